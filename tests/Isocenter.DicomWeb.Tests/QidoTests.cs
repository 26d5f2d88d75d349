using System.IO.Compression;
using System.Net;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Dicom.Xml;

namespace Isocenter.DicomWeb.Tests;

/// <summary>
/// The Search Transaction (PS3.18 10.6, QIDO-RS) against the demo studies. Other test classes may store studies of their
/// own, so expectations are about the demo's studies: searches either name a demo patient or are compared on the demo's UIDs.
/// </summary>
[Collection(DicomWebCollection.Name)]
public sealed class QidoTests(DicomWebArchive archive)
{
    private List<DicomDataset> Demo => [.. archive.Instances.Values.Select(i => i.Dataset)];

    private HashSet<string> DemoStudies => [.. Demo.Select(d => d.GetString(DicomTag.StudyInstanceUID)!)];

    private string FirstPatientId => Demo.Select(d => d.GetString(DicomTag.PatientID)!).Order(StringComparer.Ordinal).First();

    // PS3.18 10.6.1 (Search for Studies), 10.6.3.3.1 (Table 10.6.3-3 default attributes, Retrieve URL).
    [Fact]
    public async Task SearchForStudies_PatientId_StudiesWithDefaultAttributesCountsAndRetrieveUrl()
    {
        var (response, matches) = await SearchAsync($"studies?PatientID={FirstPatientId}");

        var expected = Demo.Where(d => d.GetString(DicomTag.PatientID) == FirstPatientId).GroupBy(d => d.GetString(DicomTag.StudyInstanceUID)!).ToList();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected.Select(g => g.Key).Order(StringComparer.Ordinal), Uids(matches, DicomTag.StudyInstanceUID));
        foreach (var match in matches)
        {
            var study = expected.Single(g => g.Key == match.GetString(DicomTag.StudyInstanceUID));
            foreach (var tag in new[] { DicomTag.StudyDate, DicomTag.StudyTime, DicomTag.AccessionNumber, DicomTag.ReferringPhysicianName, DicomTag.PatientName,
                DicomTag.PatientID, DicomTag.PatientBirthDate, DicomTag.PatientSex, DicomTag.StudyID })
            {
                Assert.Equal(study.First().GetString(tag) ?? "", match.GetString(tag) ?? "");
            }
            Assert.Equal(["CT"], match.GetStrings(DicomTag.ModalitiesInStudy));
            Assert.Equal(study.Select(d => d.GetString(DicomTag.SeriesInstanceUID)).Distinct().Count().ToString(), match.GetString(DicomTag.NumberOfStudyRelatedSeries));
            Assert.Equal(study.Count().ToString(), match.GetString(DicomTag.NumberOfStudyRelatedInstances));
            Assert.Equal(new Uri(archive.Client.BaseAddress!, $"studies/{study.Key}").AbsoluteUri, match.GetString(DicomTag.RetrieveURL));
            Assert.Equal("ONLINE", match.GetString(DicomTag.InstanceAvailability));
            Assert.True(match.Contains(DicomTag.TimezoneOffsetFromUTC));
            Assert.False(match.Contains(DicomTag.QueryRetrieveLevel));
        }
    }

    // PS3.18 8.3.4.1 and PS3.4 C.2.2.2.4: wildcard matching; person names case-insensitively.
    [Fact]
    public async Task SearchForStudies_PatientNameWildcard_StudiesOfMatchingPatients()
    {
        var name = Demo.First().GetString(DicomTag.PatientName)!;
        var pattern = name[..3].ToLowerInvariant() + "*";

        var (_, matches) = await SearchAsync($"studies?PatientName={Uri.EscapeDataString(pattern)}");

        Assert.Equal(DemoStudiesWhere(d => d.GetString(DicomTag.PatientName)!.StartsWith(name[..3], StringComparison.OrdinalIgnoreCase)), DemoOnly(matches));
        Assert.All(matches, m => Assert.StartsWith(name[..3], m.GetString(DicomTag.PatientName)!, StringComparison.OrdinalIgnoreCase));
    }

    // PS3.18 8.3.4.5 (fuzzymatching=true): a given name's prefix matches, whatever its case.
    [Fact]
    public async Task SearchForStudies_FuzzyMatchingGivenNamePrefix_StudiesOfThatPatient()
    {
        var name = Demo.First().GetString(DicomTag.PatientName)!;
        var given = name.Split('^')[1];
        var prefix = given[..3].ToLowerInvariant();

        var (_, exact) = await SearchAsync($"studies?PatientName={prefix}");
        var (_, fuzzy) = await SearchAsync($"studies?PatientName={prefix}&fuzzymatching=true");

        Assert.Empty(DemoOnly(exact));
        Assert.Equal(DemoStudiesWhere(d => d.GetString(DicomTag.PatientName)!.Split('^', ' ').Any(w => w.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))), DemoOnly(fuzzy));
        Assert.Contains(Demo.First().GetString(DicomTag.StudyInstanceUID), DemoOnly(fuzzy));
    }

    // PS3.18 8.3.4.1 and PS3.4 C.2.2.2.5: range matching of dates, inclusive, open at either end.
    [Fact]
    public async Task SearchForStudies_StudyDateRange_StudiesWithinTheRange()
    {
        var dates = Demo.Select(d => d.GetString(DicomTag.StudyDate)!).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(dates.Count >= 2);

        var (_, first) = await SearchAsync($"studies?StudyDate={dates[0]}-{dates[0]}");
        var (_, fromSecond) = await SearchAsync($"studies?StudyDate={dates[1]}-");

        Assert.Equal(DemoStudiesWhere(d => d.GetString(DicomTag.StudyDate) == dates[0]), DemoOnly(first));
        Assert.Equal(DemoStudiesWhere(d => string.CompareOrdinal(d.GetString(DicomTag.StudyDate), dates[1]) >= 0), DemoOnly(fromSecond));
    }

    // PS3.18 8.3.4.1: a comma-separated list of UIDs matches any of them (PS3.4 C.2.2.2.2).
    [Fact]
    public async Task SearchForStudies_StudyInstanceUidList_ExactlyTheListedStudies()
    {
        var listed = DemoStudies.Order(StringComparer.Ordinal).Take(2).ToList();

        var (_, matches) = await SearchAsync($"studies?StudyInstanceUID={string.Join(',', listed)}");

        Assert.Equal(listed, Uids(matches, DicomTag.StudyInstanceUID));
    }

    // PS3.18 8.3.4.1 through the gateway: a list of 1,000 UIDs (a 45 KB URL, as the gateway narrows a reviewer's search to
    // a reading set of 1,000 studies) is searched like any other, where Kestrel's default request line (8 KiB) answered 414.
    [Fact]
    public async Task SearchForStudies_ThousandUidList_ExactlyTheListedStudiesInTheArchive()
    {
        var listed = DemoStudies.Order(StringComparer.Ordinal).Take(2).ToList();
        var unknown = Enumerable.Range(0, 1000 - listed.Count).Select(_ => DicomUid.Generate());

        var (_, matches) = await SearchAsync($"studies?StudyInstanceUID={string.Join(',', listed.Concat(unknown))}");

        Assert.Equal(listed, Uids(matches, DicomTag.StudyInstanceUID));
    }

    // PS3.18 Table 10.6.1-5: ModalitiesInStudy matches studies holding a series of that modality.
    [Fact]
    public async Task SearchForStudies_ModalitiesInStudy_StudiesHoldingTheModality()
    {
        var (_, ct) = await SearchAsync($"studies?ModalitiesInStudy=CT&PatientID={FirstPatientId}");
        var (_, mr) = await SearchAsync($"studies?ModalitiesInStudy=MR&PatientID={FirstPatientId}");

        Assert.Equal(2, ct.Count);
        Assert.Empty(mr);
    }

    // PS3.18 8.3.4.3: includefield by keyword and by tag, repeated and comma-separated, and includefield=all.
    [Fact]
    public async Task SearchForStudies_IncludeField_AddsTheAttributes()
    {
        var (_, named) = await SearchAsync($"studies?PatientID={FirstPatientId}&includefield=StudyDescription,00200010&includefield=IssuerOfPatientID");
        var (_, all) = await SearchAsync($"studies?PatientID={FirstPatientId}&includefield=all");
        var (_, plain) = await SearchAsync($"studies?PatientID={FirstPatientId}");

        var study = Demo.First(d => d.GetString(DicomTag.StudyInstanceUID) == named[0].GetString(DicomTag.StudyInstanceUID));
        Assert.Equal(study.GetString(DicomTag.StudyDescription), named[0].GetString(DicomTag.StudyDescription));
        Assert.True(named[0].Contains(DicomTag.IssuerOfPatientID));
        Assert.All(all, m => Assert.True(m.Contains(DicomTag.StudyDescription) && m.Contains(DicomTag.NumberOfPatientRelatedStudies)));
        Assert.Equal("2", all[0].GetString(DicomTag.NumberOfPatientRelatedStudies));
        Assert.All(plain, m => Assert.False(m.Contains(DicomTag.StudyDescription)));
    }

    // PS3.18 8.3.4.4 and 10.6.3.2: limit and offset page the matches; a page cut short carries a Warning.
    [Fact]
    public async Task SearchForStudies_LimitAndOffset_PagesWithWarningWhenMoreRemain()
    {
        var (firstResponse, first) = await SearchAsync($"studies?PatientID={FirstPatientId}&limit=1");
        var (lastResponse, last) = await SearchAsync($"studies?PatientID={FirstPatientId}&limit=1&offset=1");
        var (_, beyond) = await SearchAsync($"studies?PatientID={FirstPatientId}&offset=2");

        Assert.Single(first);
        Assert.Single(last);
        Assert.Empty(beyond);
        Assert.NotEqual(first[0].GetString(DicomTag.StudyInstanceUID), last[0].GetString(DicomTag.StudyInstanceUID));
        var warning = Assert.Single(firstResponse.Headers.GetValues("Warning"));
        Assert.StartsWith("299 ", warning, StringComparison.Ordinal);
        Assert.Contains("Additional results can be requested", warning, StringComparison.Ordinal);
        Assert.False(lastResponse.Headers.Contains("Warning"));
    }

    // PS3.18 10.6.1.2 (Search for Study's Series), 10.6.3.3.2 (Table 10.6.3-4): series attributes only.
    [Fact]
    public async Task SearchForStudySeries_Study_ItsSeriesWithSeriesDefaults()
    {
        var study = Demo.First();
        var uid = study.GetString(DicomTag.StudyInstanceUID)!;

        var (_, matches) = await SearchAsync($"studies/{uid}/series");

        var expected = Demo.Where(d => d.GetString(DicomTag.StudyInstanceUID) == uid).Select(d => d.GetString(DicomTag.SeriesInstanceUID)!).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(expected, Uids(matches, DicomTag.SeriesInstanceUID));
        Assert.All(matches, m =>
        {
            Assert.Equal("CT", m.GetString(DicomTag.Modality));
            Assert.Equal("3", m.GetString(DicomTag.NumberOfSeriesRelatedInstances));
            Assert.True(m.Contains(DicomTag.SeriesNumber) && m.Contains(DicomTag.PerformedProcedureStepStartDate) && m.Contains(DicomTag.RequestAttributesSequence));
            Assert.False(m.Contains(DicomTag.PatientName));
            Assert.EndsWith($"studies/{uid}/series/{m.GetString(DicomTag.SeriesInstanceUID)}", m.GetString(DicomTag.RetrieveURL), StringComparison.Ordinal);
        });
    }

    // PS3.18 10.6.1.2 (Search for All Series), 10.6.3.3.2: with the study's default attributes as well.
    [Fact]
    public async Task SearchForAllSeries_PatientIdAndModality_SeriesWithStudyAttributes()
    {
        var (_, matches) = await SearchAsync($"series?PatientID={FirstPatientId}&Modality=CT");

        Assert.Equal(Demo.Where(d => d.GetString(DicomTag.PatientID) == FirstPatientId).Select(d => d.GetString(DicomTag.SeriesInstanceUID)!).Distinct().Order(StringComparer.Ordinal),
            Uids(matches, DicomTag.SeriesInstanceUID));
        Assert.All(matches, m => Assert.True(m.Contains(DicomTag.PatientName) && m.Contains(DicomTag.StudyInstanceUID) && m.Contains(DicomTag.StudyDate)));
    }

    // PS3.18 10.6.1.2 (Search for Study's Instances, Series' Instances, All Instances), 10.6.3.3.3 (Table 10.6.3-5).
    [Fact]
    public async Task SearchForInstances_EachResource_InstancesWithInstanceDefaults()
    {
        var first = Demo.First();
        var (study, series, sop) = (first.GetString(DicomTag.StudyInstanceUID)!, first.GetString(DicomTag.SeriesInstanceUID)!, first.GetString(DicomTag.SOPInstanceUID)!);

        var (_, ofSeries) = await SearchAsync($"studies/{study}/series/{series}/instances");
        var (_, ofStudy) = await SearchAsync($"studies/{study}/instances");
        var (_, all) = await SearchAsync($"instances?SOPInstanceUID={sop}");

        Assert.Equal(Demo.Where(d => d.GetString(DicomTag.SeriesInstanceUID) == series).Select(d => d.GetString(DicomTag.SOPInstanceUID)!).Order(StringComparer.Ordinal),
            Uids(ofSeries, DicomTag.SOPInstanceUID));
        Assert.Equal(Demo.Count(d => d.GetString(DicomTag.StudyInstanceUID) == study), ofStudy.Count);
        Assert.All(ofSeries, m =>
        {
            Assert.Equal(first.GetString(DicomTag.SOPClassUID), m.GetString(DicomTag.SOPClassUID));
            Assert.Equal("64", m.GetString(DicomTag.Rows));
            Assert.Equal("16", m.GetString(DicomTag.BitsAllocated));
            Assert.True(m.Contains(DicomTag.InstanceNumber) && m.Contains(DicomTag.NumberOfFrames));
            Assert.False(m.Contains(DicomTag.Modality));
        });
        Assert.All(ofStudy, m => Assert.True(m.Contains(DicomTag.Modality))); // series attributes: the series is not in the path
        var match = Assert.Single(all);
        Assert.Equal(first.GetString(DicomTag.PatientName), match.GetString(DicomTag.PatientName));
        Assert.Equal(new Uri(archive.Client.BaseAddress!, $"studies/{study}/series/{series}/instances/{sop}").AbsoluteUri, match.GetString(DicomTag.RetrieveURL));
    }

    // PS3.18 8.3.4.1: an empty value is universal matching, so the attribute is returned (here a US attribute).
    [Fact]
    public async Task SearchForStudies_EmptyValue_ReturnKey()
    {
        var (_, matches) = await SearchAsync($"studies?PatientID={FirstPatientId}&Rows=");

        Assert.Equal(2, matches.Count);
        Assert.All(matches, m => Assert.Equal("64", m.GetString(DicomTag.Rows)));
    }

    // PS3.18 10.6.3.2: no match is a 200 with an empty array (the service's choice over 204); as XML, which needs a part, 204.
    [Fact]
    public async Task SearchForStudies_NoMatch_200EmptyArrayOr204ForXml()
    {
        using var response = await archive.Client.GetAsync(new Uri("studies?PatientID=NO-SUCH-PATIENT", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("studies?PatientID=NO-SUCH-PATIENT", UriKind.Relative));
        request.Headers.Accept.ParseAdd("multipart/related; type=\"application/dicom+xml\"");
        using var xml = await archive.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, xml.StatusCode);
    }

    // PS3.18 8.6.3 and 10.6.1.3: a key that is no attribute, a bad value or a bad parameter is a 400 that says why.
    [Theory]
    [InlineData("studies?NoSuchKeyword=1", "NoSuchKeyword")]
    [InlineData("studies?StudyDate=20241345", "20241345' is not a date")]
    [InlineData("studies?limit=many", "limit")]
    [InlineData("studies?fuzzymatching=maybe", "fuzzymatching")]
    [InlineData("studies?includefield=NotAnAttribute", "NotAnAttribute")]
    [InlineData("studies?00081111.00081150=1.2", "sequence")]
    public async Task SearchForStudies_BadQuery_400WithReason(string uri, string reason)
    {
        using var response = await archive.Client.GetAsync(new Uri(uri, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    // PS3.18 8.7.3 and 10.6.3.1: a response in neither acceptable media type is a 406.
    [Fact]
    public async Task SearchForStudies_AcceptsNeitherJsonNorXml_406()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("studies", UriKind.Relative));
        request.Headers.Accept.ParseAdd("image/png");

        using var response = await archive.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    // PS3.18 10.6.3.1 and PS3.19 A.1: multipart/related; type="application/dicom+xml", one Native DICOM Model part per match.
    [Fact]
    public async Task SearchForStudies_AcceptXml_MultipartOfNativeModelPartsEqualToJson()
    {
        var (_, json) = await SearchAsync($"studies?PatientID={FirstPatientId}");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"studies?PatientID={FirstPatientId}", UriKind.Relative));
        request.Headers.Accept.ParseAdd("multipart/related; type=\"application/dicom+xml\"");

        using var response = await archive.Client.SendAsync(request);
        var xml = await ReadXmlPartsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(json.Select(d => DicomJson.Serialize(d)), xml.Select(d => DicomJson.Serialize(d)));
    }

    // Response compression: gzip when the client accepts it.
    [Fact]
    public async Task SearchForStudies_AcceptEncodingGzip_CompressedJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"studies?PatientID={FirstPatientId}", UriKind.Relative));
        request.Headers.AcceptEncoding.ParseAdd("gzip");

        using var response = await archive.Client.SendAsync(request);
        await using var body = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal(2, DicomJson.DeserializeList(body).Count);
    }

    // Response compression: Brotli when the client prefers it.
    [Fact]
    public async Task SearchForStudies_AcceptEncodingBrotli_CompressedJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"studies?PatientID={FirstPatientId}", UriKind.Relative));
        request.Headers.AcceptEncoding.ParseAdd("br");

        using var response = await archive.Client.SendAsync(request);
        await using var body = new BrotliStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);

        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Equal(2, DicomJson.DeserializeList(body).Count);
    }

    /// <summary>The parts of a multipart/related; type="application/dicom+xml" response, read as datasets.</summary>
    internal static async Task<List<DicomDataset>> ReadXmlPartsAsync(HttpResponseMessage response)
    {
        Assert.Equal("\"application/dicom+xml\"", response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "type").Value);
        var parts = await Multipart.ReadAsync(response);
        Assert.All(parts, part => Assert.Equal("application/dicom+xml", part.ContentType.MediaType));
        return [.. parts.Select(part => DicomXml.Deserialize(new MemoryStream(part.Content)))];
    }

    private static List<string> Uids(List<DicomDataset> matches, DicomTag tag) => [.. matches.Select(m => m.GetString(tag)!).Order(StringComparer.Ordinal)];

    private async Task<(HttpResponseMessage Response, List<DicomDataset> Matches)> SearchAsync(string uri)
    {
        var response = await archive.Client.GetAsync(new Uri(uri, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{uri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (response, DicomJson.DeserializeList(await response.Content.ReadAsStreamAsync()));
    }

    private List<string> DemoStudiesWhere(Func<DicomDataset, bool> predicate) =>
        [.. Demo.Where(predicate).Select(d => d.GetString(DicomTag.StudyInstanceUID)!).Distinct().Order(StringComparer.Ordinal)];

    private List<string> DemoOnly(List<DicomDataset> matches) =>
        [.. Uids(matches, DicomTag.StudyInstanceUID).Where(DemoStudies.Contains)];
}
