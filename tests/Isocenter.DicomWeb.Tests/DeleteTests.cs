using System.Net;

namespace Isocenter.DicomWeb.Tests;

/// <summary>
/// DELETE of studies, series and instances (not in PS3.18; as the Microsoft DICOM server and dcm4chee offer it): rows and
/// objects go, 204; 404 when nothing matches.
/// </summary>
[Collection(DicomWebCollection.Name)]
public sealed class DeleteTests(DicomWebArchive archive)
{
    [Fact]
    public async Task Delete_InstanceThenSeriesThenStudy_204RowsAndObjectsRemoved()
    {
        var files = StowClient.Demo(series: 2);
        using (var stored = await archive.Client.PostAsync(new Uri("studies", UriKind.Relative), StowClient.Body(files.Select(f => File.ReadAllBytes(f.Path)))))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }
        var (study, series, sop) = (files[0].Study, files[0].Series, files[0].Sop);

        await AssertDeletedAsync($"studies/{study}/series/{series}/instances/{sop}", files.Where(f => f.Sop == sop));
        await AssertDeletedAsync($"studies/{study}/series/{series}", files.Where(f => f.Series == series));
        await AssertDeletedAsync($"studies/{study}", files);

        Assert.False(Directory.Exists(Path.Combine(archive.ObjectsRoot, "instances", study)) && Directory.EnumerateFiles(Path.Combine(archive.ObjectsRoot, "instances", study), "*", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [InlineData("studies/2.25.1")]
    [InlineData("studies/2.25.1/series/2.25.2")]
    [InlineData("studies/2.25.1/series/2.25.2/instances/2.25.3")]
    public async Task Delete_NothingMatches_404(string resource)
    {
        using var response = await archive.Client.DeleteAsync(new Uri(resource, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Delete_InvalidUid_400()
    {
        using var response = await archive.Client.DeleteAsync(new Uri("studies/not-a-uid", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task AssertDeletedAsync(string resource, IEnumerable<(string Path, string Study, string Series, string Sop)> gone)
    {
        using var response = await archive.Client.DeleteAsync(new Uri(resource, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var indexed = await archive.Running.IndexedAsync();
        foreach (var file in gone)
        {
            Assert.DoesNotContain(file.Sop, indexed);
            Assert.False(File.Exists(Path.Combine(archive.ObjectsRoot, "instances", file.Study, file.Series, file.Sop + ".dcm")), file.Sop);
        }
    }
}
