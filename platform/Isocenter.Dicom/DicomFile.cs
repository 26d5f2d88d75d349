using Isocenter.Dicom.IO;

namespace Isocenter.Dicom;

/// <summary>A DICOM Part 10 file: File Meta Information (group 0002) and the dataset, in a transfer syntax.</summary>
public sealed class DicomFile
{
    /// <summary>Implementation Class UID (0002,0012) written by Isocenter.</summary>
    public const string ImplementationClassUid = "2.25.83915402117914473311316745591217362403";

    /// <summary>Implementation Version Name (0002,0013) written by Isocenter.</summary>
    public const string ImplementationVersionName = "ISOCENTER_0_1";

    private static readonly byte[] Magic = "DICM"u8.ToArray();

    /// <summary>Creates a file for <paramref name="dataset"/> in <paramref name="transferSyntax"/> (Explicit VR Little Endian by default).</summary>
    public DicomFile(DicomDataset dataset, DicomTransferSyntax? transferSyntax = null)
        : this(new DicomDataset(), dataset, transferSyntax ?? DicomTransferSyntax.ExplicitVRLittleEndian)
    {
    }

    private DicomFile(DicomDataset meta, DicomDataset dataset, DicomTransferSyntax transferSyntax)
    {
        FileMetaInformation = meta;
        Dataset = dataset;
        TransferSyntax = transferSyntax;
    }

    /// <summary>The File Meta Information (group 0002) as read, or as it will be completed when saved.</summary>
    public DicomDataset FileMetaInformation { get; }

    /// <summary>The dataset.</summary>
    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax the dataset was read in (or will be written in).</summary>
    public DicomTransferSyntax TransferSyntax { get; private set; }

    /// <summary>What was tolerated while reading this file (e.g. truncation); empty for a well-formed file.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>True when reading stopped before pixel data (<see cref="DicomReadOptions.StopBeforePixelData"/>).</summary>
    public bool StoppedBeforePixelData { get; private set; }

    /// <summary>Reads a file; large values stay in the file until used (see <see cref="DicomReadOptions.LazyBulkDataThreshold"/>).</summary>
    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        try
        {
            return Read(stream, options ?? DicomReadOptions.Default, new DicomRangeSource.File(Path.IsPathFullyQualified(path) ? path : Path.GetFullPath(path)));
        }
        catch (DicomReadException e)
        {
            throw new DicomReadException($"{path}: {e.Message[..e.Message.LastIndexOf(" (at byte", StringComparison.Ordinal)]}", e.Offset, e.IsTruncation);
        }
    }

    /// <summary>
    /// Reads a file from a stream (from its current position). Values are read into memory, unless the stream is seekable
    /// and <see cref="DicomReadOptions.LazyFromStream"/> is set: then large values stay in the stream, which the caller keeps open.
    /// </summary>
    public static DicomFile Open(Stream stream, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Default;
        return Read(stream, options, options.LazyFromStream && stream.CanSeek ? new DicomRangeSource.SeekableStream(stream) : null);
    }

    private static DicomFile Read(Stream stream, DicomReadOptions options, DicomRangeSource? lazySource)
    {
        var source = new DicomByteSource(stream, stream.CanSeek ? stream.Position : 0);
        var meta = new DicomDataset();
        if (source.TryEnsure(132) && source.Buffered.Slice(128, 4).SequenceEqual(Magic))
        {
            source.Advance(132);
            ReadMeta(source, meta);
        }
        else if (source.TryEnsure(8) && source.PeekUInt16(0, false) == 0x0002)
        {
            ReadMeta(source, meta); // a meta group without preamble
        }
        else if (!source.TryEnsure(8))
        {
            throw new DicomReadException("Not a DICOM file: it is empty or shorter than one element", 0);
        }
        else if (source.PeekUInt16(0, false) == 0x0000)
        {
            // Neither DICM nor meta, and group 0000 (DIMSE command elements, never stored in a dataset): zeros, typically,
            // as in a preamble whose DICM prefix is missing. Read as a dataset, it would give (0000,0000) and no complaint.
            throw new DicomReadException("Not a DICOM file: no DICM prefix at byte 128, no File Meta Information, and the data starts with a group 0000 (command) tag, which no stored dataset holds", 0);
        }

        var declared = meta.GetString(DicomTag.TransferSyntaxUID);
        var declaredSyntax = declared is { Length: > 0 } ? DicomTransferSyntax.Parse(declared) : null;
        var syntax = declaredSyntax is { IsDeflated: true } ? declaredSyntax : Detect(source, declaredSyntax);
        var warnings = new List<string>();
        if (declaredSyntax is null)
        {
            warnings.Add($"No Transfer Syntax UID (0002,0010) in the File Meta Information (or no File Meta Information): the dataset was read as {syntax.Name}, which its first bytes suggest");
        }
        else if (!syntax.Equals(declaredSyntax))
        {
            warnings.Add($"The File Meta Information declares {declaredSyntax.Name} but the dataset is encoded in {syntax.Name}: it was read as such");
        }
        var file = new DicomFile(meta, new DicomDataset(), syntax);
        var builder = new DicomDatasetBuilder(file.Dataset);
        if (syntax.IsDeflated)
        {
            var deflatedStart = source.Position;
            using var inflated = new System.IO.Compression.DeflateStream(source.RemainderStream(), System.IO.Compression.CompressionMode.Decompress);
            try
            {
                var parser = DicomParser.Parse(new DicomByteSource(inflated), syntax, builder, options, null);
                file.StoppedBeforePixelData = parser.StoppedBeforePixelData;
                file.Warnings = [.. warnings, .. parser.Warnings];
            }
            catch (InvalidDataException e)
            {
                // DeflateStream's own error for data that is not a valid deflate stream: say it the way every read error is said.
                throw new DicomReadException($"The deflated dataset is corrupt and cannot be inflated: {e.Message}", deflatedStart);
            }
        }
        else
        {
            var parser = DicomParser.Parse(source, syntax, builder, options, lazySource);
            file.StoppedBeforePixelData = parser.StoppedBeforePixelData;
            file.Warnings = [.. warnings, .. parser.Warnings];
        }
        return file;
    }

    private static void ReadMeta(DicomByteSource source, DicomDataset meta)
    {
        while (source.TryEnsure(8) && source.PeekUInt16(0, false) == 0x0002)
        {
            var tag = new DicomTag(0x0002, source.PeekUInt16(2, false));
            var vr = source.ReadHeader(tag, explicitVR: true, bigEndian: false, out var length);
            if (vr == DicomVR.None)
            {
                vr = DicomDictionary.Find(tag)?.DefaultVR ?? DicomVR.UN; // meta written in Implicit VR: wrong, but seen
            }
            if (length == 0xFFFFFFFF)
            {
                throw new DicomReadException($"File meta element {tag} has undefined length", source.Position);
            }
            meta.Add(new DicomValueElement(tag, vr, DicomBuffer.FromBytes(source.Read(length, $"file meta element {tag}"))));
        }
    }

    // The encoding the data really has: files without meta, without a transfer syntax, or whose meta lies (seen in the wild).
    private static DicomTransferSyntax Detect(DicomByteSource source, DicomTransferSyntax? declared)
    {
        if (!source.TryEnsure(6))
        {
            return declared ?? DicomTransferSyntax.ExplicitVRLittleEndian;
        }
        var looksExplicit = DicomVRExtensions.TryParse(source.PeekByte(4), source.PeekByte(5), out _);
        var group = source.PeekUInt16(0, false);
        var looksBigEndian = (group & 0xFF) == 0 && group != 0 && (group >> 8) <= 0x08;
        if (declared is null)
        {
            return looksBigEndian ? DicomTransferSyntax.ExplicitVRBigEndian
                : looksExplicit ? DicomTransferSyntax.ExplicitVRLittleEndian
                : DicomTransferSyntax.ImplicitVRLittleEndian;
        }
        if (declared == DicomTransferSyntax.ImplicitVRLittleEndian && looksExplicit)
        {
            return DicomTransferSyntax.ExplicitVRLittleEndian;
        }
        if (declared.IsExplicitVR && !declared.IsBigEndian && !looksExplicit && !declared.IsEncapsulated)
        {
            return DicomTransferSyntax.ImplicitVRLittleEndian;
        }
        return declared;
    }

    /// <summary>
    /// Writes the file to <paramref name="path"/>, in <paramref name="transferSyntax"/> or its own. The file is written next
    /// to <paramref name="path"/> and moved over it once complete, so a failed save leaves no partial file behind and a file
    /// can be saved over the file it was read from (whose lazy values are read while writing).
    /// </summary>
    public void Save(string path, DicomTransferSyntax? transferSyntax = null)
    {
        var destination = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                Save(stream, transferSyntax);
            }
            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // nothing left to delete once moved
        }
    }

    /// <summary>Writes preamble, File Meta Information (completed from the dataset) and dataset to <paramref name="stream"/>.</summary>
    public void Save(Stream stream, DicomTransferSyntax? transferSyntax = null)
    {
        var syntax = transferSyntax ?? TransferSyntax;
        if (syntax.IsEncapsulated && !syntax.Equals(TransferSyntax))
        {
            throw new DicomDataException($"Cannot write {syntax.Name}: pixel data would have to be re-encoded. Transcode it with Isocenter.Dicom.Imaging.");
        }
        var meta = BuildMeta(syntax);
        stream.Write(new byte[128]);
        stream.Write(Magic);
        using (var metaBytes = new MemoryStream())
        {
            DicomWriter.WriteMeta(metaBytes, meta);
            var groupLength = new DicomDataset().Set(DicomTag.FileMetaInformationGroupLength, (uint)metaBytes.Length);
            DicomWriter.WriteMeta(stream, groupLength);
            metaBytes.Position = 0;
            metaBytes.CopyTo(stream);
        }
        DicomWriter.Write(stream, Dataset, syntax);
        TransferSyntax = syntax;
    }

    private DicomDataset BuildMeta(DicomTransferSyntax syntax)
    {
        var meta = new DicomDataset();
        foreach (var element in FileMetaInformation)
        {
            if (!element.Tag.IsGroupLength)
            {
                meta.Add(element);
            }
        }
        meta.Set(DicomTag.FileMetaInformationVersion, DicomVR.OB, [(byte)0, (byte)1]);
        var sopClass = Dataset.GetString(DicomTag.SOPClassUID) ?? meta.GetString(DicomTag.MediaStorageSOPClassUID);
        var sopInstance = Dataset.GetString(DicomTag.SOPInstanceUID) ?? meta.GetString(DicomTag.MediaStorageSOPInstanceUID);
        if (string.IsNullOrEmpty(sopClass) || string.IsNullOrEmpty(sopInstance))
        {
            throw new DicomDataException("A DICOM file needs SOP Class UID (0008,0016) and SOP Instance UID (0008,0018) in its dataset.");
        }
        meta.Set(DicomTag.MediaStorageSOPClassUID, sopClass);
        meta.Set(DicomTag.MediaStorageSOPInstanceUID, sopInstance);
        meta.Set(DicomTag.TransferSyntaxUID, syntax.Uid);
        meta.Set(DicomTag.ImplementationClassUID, ImplementationClassUid);
        meta.Set(DicomTag.ImplementationVersionName, ImplementationVersionName);
        return meta;
    }

    /// <inheritdoc/>
    public override string ToString() => $"DicomFile {Dataset.GetString(DicomTag.SOPInstanceUID)} in {TransferSyntax}";
}
