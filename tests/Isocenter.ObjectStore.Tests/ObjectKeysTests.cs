namespace Isocenter.ObjectStore.Tests;

public class ObjectKeysTests
{
    [Fact]
    public void Instance_ValidUids_BuildsInstanceKey() =>
        Assert.Equal("instances/1.2.3/1.2.3.4/1.2.3.4.5.dcm", ObjectKeys.Instance("1.2.3", "1.2.3.4", "1.2.3.4.5"));

    [Fact]
    public void SeriesInstances_ValidUids_IsThePrefixOfItsInstances()
    {
        Assert.Equal("instances/1.2/1.2.3/", ObjectKeys.SeriesInstances("1.2", "1.2.3"));
        Assert.StartsWith(ObjectKeys.SeriesInstances("1.2", "1.2.3"), ObjectKeys.Instance("1.2", "1.2.3", "9"), StringComparison.Ordinal);
    }

    [Fact]
    public void SeriesThumbnail_ValidUids_BuildsJpegKey() =>
        Assert.Equal("thumbnails/1.2/1.2.3.jpg", ObjectKeys.SeriesThumbnail("1.2", "1.2.3"));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../1.2")]
    [InlineData("1.2/3")]
    [InlineData("1.02")]
    [InlineData("1..2")]
    [InlineData("1.2.")]
    [InlineData("1.2 ")]
    [InlineData("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27")]
    public void Instance_InvalidUid_Throws(string uid)
    {
        Assert.Throws<ArgumentException>(() => ObjectKeys.Instance(uid, "1.2", "1.2.3"));
        Assert.Throws<ArgumentException>(() => ObjectKeys.Instance("1.2", uid, "1.2.3"));
        Assert.Throws<ArgumentException>(() => ObjectKeys.Instance("1.2", "1.2.3", uid));
        Assert.Throws<ArgumentException>(() => ObjectKeys.SeriesThumbnail(uid, "1.2"));
    }

    [Theory]
    [InlineData("instances/1.2/1.2.3/1.2.3.4.dcm", true)]
    [InlineData("thumbnails/1.2/1.2.3.jpg", true)]
    [InlineData("a-b_c/D.e", true)]
    [InlineData("", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("a//b", false)]
    [InlineData("a/", false)]
    [InlineData("a/../b", false)]
    [InlineData("a/./b", false)]
    [InlineData("..", false)]
    [InlineData(".hidden", false)]
    [InlineData("a\\b", false)]
    [InlineData("a b", false)]
    [InlineData("a/b:c", false)]
    [InlineData("é", false)]
    public void IsValid_Key_FollowsTheRules(string key, bool valid) => Assert.Equal(valid, ObjectKey.IsValid(key));
}
