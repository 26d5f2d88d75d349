using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Isocenter.Archive.Store;
using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using Isocenter.Dicom.IO;
using Isocenter.Dicom.Json;
using Isocenter.Index;
using Isocenter.Review.ReadingSets;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Isocenter.Review.Findings;

/// <summary>An instance the SR export stored.</summary>
/// <param name="StudyInstanceUid">The de-identified study it belongs to.</param>
/// <param name="SeriesInstanceUid">The set's "Findings" series of that study.</param>
/// <param name="SopInstanceUid">The SR's SOP Instance UID.</param>
public sealed record StoredReport(string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid);

/// <summary>The answer of <c>POST /api/reading-sets/{id}/findings/sr</c>.</summary>
/// <param name="Instances">The SRs stored, one per complete finding.</param>
public sealed record ReportExport(IReadOnlyList<StoredReport> Instances);

/// <summary>
/// Complete findings as DICOM Basic Text SR (PS3.3 A.35.1), stored into the archive the way STOW-RS stores (the object
/// store, then an <see cref="IndexInstances"/> request answered once a query sees them). Each SR is in the de-identified study
/// (Patient and Study modules copied from its indexed header), in a series "Findings" of the set; its root CONTAINER is
/// (18748-4, LN, "Diagnostic imaging report") with one child per filled field (TEXT, or CODE for a choice; Basic Text SR
/// has no NUM, so numbers are TEXT) and the comment (121106, DCM, "Comment"). UIDs derive from the set, reviewer, study and
/// the finding's time, so exporting again rewrites the same instances until a finding changes.
/// </summary>
public sealed class FindingReports(IIndexStore index, InstanceWriter writer, IRequestClient<IndexInstances> indexer, IOptions<ReviewOptions> options, TimeProvider time)
{
    /// <summary>The coding scheme of the set's own fields and options (PS3.16 8.2: private schemes start with 99).</summary>
    public const string LocalScheme = "99ISOCENTER";

    /// <summary>The series number of the findings series.</summary>
    public const int SeriesNumber = 9901;

    /// <summary>The Patient and General Study modules' attributes copied from the study (Type 2 ones written empty when it has none).</summary>
    private static readonly DicomTag[] PatientAndStudy =
    [
        DicomTag.PatientName, DicomTag.PatientID, DicomTag.PatientBirthDate, DicomTag.PatientSex, DicomTag.StudyInstanceUID, DicomTag.StudyDate,
        DicomTag.StudyTime, DicomTag.ReferringPhysicianName, DicomTag.StudyID, DicomTag.AccessionNumber,
    ];

    /// <summary>Optional attributes copied when the study has them.</summary>
    private static readonly DicomTag[] Optional = [DicomTag.IssuerOfPatientID, DicomTag.PatientAge, DicomTag.StudyDescription];

    /// <summary>Stores one SR per complete finding of <paramref name="findings"/>, has them indexed, and lists them.</summary>
    public async Task<ReportExport> ExportAsync(ReadingSet set, IReadOnlyList<ExportedFinding> findings, CancellationToken cancellationToken)
    {
        var limits = new InstanceWriteLimits(8 * 1024 * 1024, TimeSpan.FromSeconds(30));
        var stored = new List<InstanceReceived>();
        var headers = new Dictionary<string, DicomDataset>(StringComparer.Ordinal);
        foreach (var (row, number) in findings.Where(f => f.Finding.Complete).Select((f, i) => (f, i + 1)))
        {
            if (!headers.TryGetValue(row.StudyInstanceUid, out var header))
            {
                header = headers[row.StudyInstanceUid] = await StudyHeaderAsync(row.StudyInstanceUid, cancellationToken).ConfigureAwait(false);
            }
            var report = Build(set, row, header, number);
            using var bytes = new MemoryStream();
            DicomWriter.Write(bytes, report, DicomTransferSyntax.ExplicitVRLittleEndian);
            bytes.Position = 0;
            stored.Add(await writer.PutAsync(new InstanceToStore(DicomUid.BasicTextSRStorage, report.GetString(DicomTag.SOPInstanceUID)!,
                DicomTransferSyntax.ExplicitVRLittleEndian, null, row.StudyInstanceUid), bytes, limits, cancellationToken).ConfigureAwait(false));
        }
        if (stored.Count > 0)
        {
            await indexer.GetResponse<InstancesIndexed>(new IndexInstances(stored), cancellationToken,
                RequestTimeout.After(ms: (int)options.Value.IndexTimeout.TotalMilliseconds)).ConfigureAwait(false);
        }
        return new ReportExport([.. stored.Select(s => new StoredReport(s.StudyInstanceUid, s.SeriesInstanceUid, s.SopInstanceUid))]);
    }

    /// <summary>The SR of one finding, <paramref name="number"/> its Instance Number.</summary>
    public DicomDataset Build(ReadingSet set, ExportedFinding row, DicomDataset studyHeader, int number)
    {
        var finding = row.Finding;
        var at = (finding.UpdatedAt ?? time.GetUtcNow()).UtcDateTime;
        var report = new DicomDataset()
            .Set(DicomTag.SpecificCharacterSet, "ISO_IR 192")
            .Set(DicomTag.SOPClassUID, DicomUid.BasicTextSRStorage)
            .Set(DicomTag.SOPInstanceUID, Uid($"sr\n{set.Id}\n{row.Reviewer}\n{row.StudyInstanceUid}\n{at.Ticks}"));
        foreach (var tag in PatientAndStudy.Concat(Optional))
        {
            if (studyHeader[tag] is { } element)
            {
                report.Add(element);
            }
            else if (PatientAndStudy.Contains(tag))
            {
                report.Add(DicomValueElement.FromStrings(tag, DicomDictionary.Find(tag)!.DefaultVR, []));
            }
        }
        report
            .Set(DicomTag.Modality, "SR")
            .Set(DicomTag.SeriesInstanceUID, Uid($"sr-series\n{set.Id}\n{row.StudyInstanceUid}"))
            .Set(DicomTag.SeriesNumber, SeriesNumber.ToString(CultureInfo.InvariantCulture))
            .Set(DicomTag.SeriesDescription, "Findings")
            .Set(DicomTag.ReferencedPerformedProcedureStepSequence, Array.Empty<DicomDataset>())
            .Set(DicomTag.Manufacturer, "Isocenter")
            .Set(DicomTag.InstanceNumber, number.ToString(CultureInfo.InvariantCulture))
            .Set(DicomTag.ContentDate, at.ToString("yyyyMMdd", CultureInfo.InvariantCulture))
            .Set(DicomTag.ContentTime, at.ToString("HHmmss", CultureInfo.InvariantCulture))
            .Set(DicomTag.CompletionFlag, "COMPLETE")
            .Set(DicomTag.VerificationFlag, "UNVERIFIED")
            .Set(DicomTag.PerformedProcedureCodeSequence, Array.Empty<DicomDataset>())
            .Set(DicomTag.ValueType, "CONTAINER")
            .Set(DicomTag.ConceptNameCodeSequence, Code("18748-4", "LN", "Diagnostic imaging report"))
            .Set(DicomTag.ContinuityOfContent, "SEPARATE");
        var items = new List<DicomDataset>();
        foreach (var field in set.Form.Fields)
        {
            if (!finding.Values.TryGetValue(field.Id, out var value) || Form.IsEmpty(value))
            {
                continue;
            }
            var concept = Code(field.Id, LocalScheme, field.Label);
            items.Add(field.Type == FormFieldTypes.Choice
                ? Item("CODE", concept).Set(DicomTag.ConceptCodeSequence, Code($"{field.Id}.{field.Options!.ToList().IndexOf(value.GetString()!) + 1}", LocalScheme, value.GetString()!))
                : Item("TEXT", concept).Set(DicomTag.TextValue, FormField.Text(value)));
        }
        if (finding.Comment.Length > 0)
        {
            items.Add(Item("TEXT", Code("121106", "DCM", "Comment")).Set(DicomTag.TextValue, finding.Comment));
        }
        return report.Set(DicomTag.ContentSequence, [.. items]);
    }

    /// <summary>The first indexed header of the de-identified study (its Patient and Study modules).</summary>
    private async Task<DicomDataset> StudyHeaderAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        await foreach (var instance in index.ListMetadataAsync(studyInstanceUid, null, null, cancellationToken).ConfigureAwait(false))
        {
            return DicomJson.Deserialize(instance.Header);
        }
        throw new ReviewException(StatusCodes.Status409Conflict, $"The de-identified study {studyInstanceUid} is not in the archive (deleted?): its findings cannot be stored as SR.");
    }

    private static DicomDataset Item(string valueType, DicomDataset concept) =>
        new DicomDataset().Set(DicomTag.RelationshipType, "CONTAINS").Set(DicomTag.ValueType, valueType).Set(DicomTag.ConceptNameCodeSequence, concept);

    /// <summary>A code item: Code Value (or Long Code Value beyond 16 characters), scheme and meaning (at most 64 characters).</summary>
    private static DicomDataset Code(string value, string scheme, string meaning)
    {
        var code = value.Length <= 16 ? new DicomDataset().Set(DicomTag.CodeValue, value) : new DicomDataset().Set(DicomTag.LongCodeValue, value);
        return code.Set(DicomTag.CodingSchemeDesignator, scheme).Set(DicomTag.CodeMeaning, meaning.Length <= 64 ? meaning : meaning[..64]);
    }

    /// <summary>A UID derived from <paramref name="seed"/>: <c>2.25.</c> and 128 bits of its SHA-256 in decimal (PS3.5 B.2).</summary>
    private static string Uid(string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return "2.25." + new BigInteger(hash.AsSpan(0, 16), isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }
}
