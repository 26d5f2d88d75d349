using System.Net.Http.Headers;
using Isocenter.Cli.Demo;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;

namespace Isocenter.DicomWeb.Tests;

/// <summary>Demo studies of a test's own, and STOW-RS requests (PS3.18 10.5) built from them.</summary>
internal static class StowClient
{
    /// <summary>A demo study (1 patient, 1 study, <paramref name="series"/> series of 2 slices, 32×32) with new UIDs, in a new folder.</summary>
    public static List<(string Path, string Study, string Series, string Sop)> Demo(int series)
    {
        var folder = Directory.CreateTempSubdirectory("isocenter-stow-").FullName;
        Assert.Equal(0, DemoCommand.Run(["--out", folder, "--patients", "1", "--studies", "1", "--series", series.ToString(System.Globalization.CultureInfo.InvariantCulture), "--slices", "2", "--size", "32", "--seed", "61", "--id-prefix", "STOW"]));
        return [.. Directory.GetFiles(folder, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(path =>
        {
            var dataset = DicomFile.Open(path, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
            return (path, dataset.GetString(DicomTag.StudyInstanceUID)!, dataset.GetString(DicomTag.SeriesInstanceUID)!, dataset.GetString(DicomTag.SOPInstanceUID)!);
        })];
    }

    /// <summary><c>multipart/related; type="application/dicom"</c> of <paramref name="parts"/>, each <c>application/dicom</c>.</summary>
    public static MultipartContent Body(params IEnumerable<byte[]> parts)
    {
        var body = new MultipartContent("related", "isocenter-" + Guid.NewGuid().ToString("N"));
        body.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (var part in parts)
        {
            var content = new ByteArrayContent(part);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            body.Add(content);
        }
        return body;
    }

    /// <summary>The Store Instances Response (PS3.18 10.5.3) of <paramref name="response"/>.</summary>
    public static async Task<DicomDataset> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        return DicomJson.Deserialize(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The items of a sequence of the response; none when it is absent.</summary>
    public static List<DicomDataset> Items(DicomDataset response, DicomTag sequence) => response.GetSequence(sequence)?.Items ?? [];
}
