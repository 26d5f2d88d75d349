namespace Isocenter.Thumbnails.Tests;

public class RepresentativeFrameTests
{
    private static readonly double[] Axial = [1, 0, 0, 0, 1, 0];

    [Fact]
    public void Pick_PositionsAgainstInstanceNumbers_TakesTheMiddleAlongTheNormal()
    {
        // Instance numbers run the other way from, and are shuffled against, the positions.
        InstanceHeader[] instances =
        [
            new("k/a.dcm", [0, 0, 40], Axial, 1, 1),
            new("k/b.dcm", [0, 0, 10], Axial, 2, 1),
            new("k/c.dcm", [0, 0, 30], Axial, 5, 1),
            new("k/d.dcm", [0, 0, 20], Axial, 3, 1),
            new("k/e.dcm", [0, 0, 0], Axial, 4, 1),
        ];

        Assert.Equal(("k/d.dcm", 0), Key(RepresentativeFrame.Pick(instances)));
    }

    [Fact]
    public void Pick_ObliqueSagittal_ProjectsOnTheNormalNotOnZ()
    {
        // Sagittal rows along y, columns along z: the normal is x; z varies but says nothing about the order.
        double[] sagittal = [0, 1, 0, 0, 0, -1];
        InstanceHeader[] instances =
        [
            new("k/a.dcm", [-10, 0, 50], sagittal, null, 1),
            new("k/b.dcm", [10, 0, 0], sagittal, null, 1),
            new("k/c.dcm", [0, 0, 99], sagittal, null, 1),
        ];

        Assert.Equal(("k/c.dcm", 0), Key(RepresentativeFrame.Pick(instances)));
    }

    [Fact]
    public void Pick_APositionMissing_UsesInstanceNumbersThenKeys()
    {
        InstanceHeader[] instances =
        [
            new("k/a.dcm", [0, 0, 1], Axial, 3, 1),
            new("k/b.dcm", null, Axial, 1, 1),
            new("k/c.dcm", [0, 0, 2], Axial, null, 1),
            new("k/d.dcm", [0, 0, 3], Axial, 2, 1),
        ];

        Assert.Equal(("k/a.dcm", 0), Key(RepresentativeFrame.Pick(instances))); // 1, 2, 3, none → index 2
    }

    [Fact]
    public void Pick_OneMultiFrameInstance_TakesItsMiddleFrame()
    {
        Assert.Equal(("k/a.dcm", 50), Key(RepresentativeFrame.Pick([new("k/a.dcm", [0, 0, 0], Axial, 1, 100)])));
        Assert.Equal(("k/a.dcm", 1), Key(RepresentativeFrame.Pick([new("k/a.dcm", null, null, null, 3)])));
    }

    [Fact]
    public void Pick_SamePositions_IsTheSameWhateverTheListingOrder()
    {
        InstanceHeader[] instances = [.. Enumerable.Range(0, 6).Select(i => new InstanceHeader($"k/{i}.dcm", [0, 0, 0], Axial, null, 1))];

        Assert.Equal(Key(RepresentativeFrame.Pick(instances)), Key(RepresentativeFrame.Pick([.. instances.Reverse()])));
    }

    private static (string, int) Key((InstanceHeader Instance, int Frame) pick) => (pick.Instance.Key, pick.Frame);
}
