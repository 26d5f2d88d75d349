using System.Globalization;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Transcoding;
using Isocenter.Index;
using Isocenter.ObjectStore;

namespace Isocenter.DicomWeb.Retrieve;

/// <summary>
/// WADO-RS (PS3.18 10.4): instances of a study, series or instance, frames and bulk data, streamed part by part from the
/// object store. Instances in the transfer syntax they are stored in are copied from the store as they are; others are
/// transcoded one instance at a time (the only time a whole instance is held in memory).
/// </summary>
internal sealed class RetrieveService(IIndexStore index, IObjectStore store, DicomCodecRegistry codecs)
{
    private readonly DicomTranscoder _transcoder = new(codecs);

    /// <summary>The instances of a study, one series of it or one instance, in series then instance order; 400 for a malformed UID, 404 for none.</summary>
    public async Task<IReadOnlyList<InstanceLocation>> LocateAsync(string study, string? series, string? instance, CancellationToken cancellationToken)
    {
        var identifier = new DicomDataset().Set(DicomTag.StudyInstanceUID, Uid(study));
        if (series is not null)
        {
            identifier.Set(DicomTag.SeriesInstanceUID, Uid(series));
        }
        if (instance is not null)
        {
            identifier.Set(DicomTag.SOPInstanceUID, Uid(instance));
        }
        var level = instance is not null ? QueryLevel.Image : series is not null ? QueryLevel.Series : QueryLevel.Study;
        var instances = await index.ListInstancesAsync(new IndexQuery(level, identifier), cancellationToken).ConfigureAwait(false);
        return instances.Count > 0 ? instances
            : throw DicomWebException.NotFound($"No {level.ToString().ToLowerInvariant()} {instance ?? series ?? study} in the archive.");
    }

    /// <summary>
    /// PS3.18 10.4.1.1.1: the instances as <c>multipart/related; type="application/dicom"</c> in the first transfer syntax
    /// of the Accept header (8.7.3.5.2; default Explicit VR Little Endian, <c>*</c> as stored) that every instance can be
    /// given in; 406 when none can.
    /// </summary>
    public async Task RetrieveInstancesAsync(HttpContext context, string study, string? series, string? instance)
    {
        var cancellationToken = context.RequestAborted;
        var instances = await LocateAsync(study, series, instance, cancellationToken).ConfigureAwait(false);
        var ranges = AcceptedMediaType.Parse(context.Request.Headers.Accept);
        var target = ranges.Select(InstanceTransferSyntax).FirstOrDefault(t => t is not null && instances.All(i => CanTranscode(i.TransferSyntaxUid, t)))
            ?? throw DicomWebException.NotAcceptable(
                $"None of '{string.Join(", ", ranges)}' can be produced: instances are given as multipart/related; type=\"application/dicom\" "
                + $"in their stored transfer syntax (transfer-syntax=*), in a native one, or in one of {string.Join(", ", codecs.TransferSyntaxUids)} "
                + $"when the stored one ({string.Join(", ", instances.Select(i => i.TransferSyntaxUid).Distinct())}) can be decoded.");
        var writer = new MultipartRelatedWriter(context.Response, DicomWebMediaTypes.Dicom, target == "*" ? null : target);
        string SyntaxOf(InstanceLocation location) => target == "*" ? location.TransferSyntaxUid : target;
        string ContentTypeOf(string syntax) => $"{DicomWebMediaTypes.Dicom}; transfer-syntax={syntax}";
        // Every instance as stored: the length is known from the index, and declared.
        var declared = instances.All(i => SyntaxOf(i) == i.TransferSyntaxUid);
        if (declared)
        {
            writer.DeclareLength(instances.Select(i => (ContentTypeOf(i.TransferSyntaxUid), i.Size)));
        }
        foreach (var location in instances)
        {
            var syntax = SyntaxOf(location);
            var contentType = ContentTypeOf(syntax);
            if (syntax == location.TransferSyntaxUid)
            {
                var stream = await OpenAsync(location, writer.Started, cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    if (declared && stream.CanSeek && stream.Length != location.Size)
                    {
                        // Replaced since it was indexed: chunked after all if nothing was sent yet; otherwise the response is cut short.
                        if (writer.Started)
                        {
                            throw new IOException($"Instance {location.SopInstanceUid} changed size while the response was sent ({location.Size} bytes indexed, {stream.Length} stored); retrieve it again.");
                        }
                        writer.WithdrawLength();
                        declared = false;
                    }
                    await writer.WritePartAsync(contentType, stream, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                var transcoded = await TranscodeAsync(location, syntax, cancellationToken).ConfigureAwait(false);
                await writer.WritePartAsync(contentType, transcoded, cancellationToken).ConfigureAwait(false);
            }
        }
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// PS3.18 10.4.1.1.6 (Pixel Data Resources, frames): the frames <paramref name="frameList"/> (1-based, comma-separated) of an instance,
    /// one part each, uncompressed by default (8.7.3.5.1) or in a compressed media type that the Accept header asks for.
    /// </summary>
    public async Task RetrieveFramesAsync(HttpContext context, string study, string series, string instance, string frameList)
    {
        var numbers = ParseFrameList(frameList);
        var cancellationToken = context.RequestAborted;
        var location = (await LocateAsync(study, series, instance, cancellationToken).ConfigureAwait(false))[0];
        await using var stored = await OpenParsedAsync(location, cancellationToken).ConfigureAwait(false);
        var pixelData = PixelDataOf(stored);
        if (numbers.FirstOrDefault(n => n > pixelData.NumberOfFrames) is > 0 and var missing)
        {
            // PS3.18 8.6.3 (404): the target resource, frame {missing}, does not exist.
            throw DicomWebException.NotFound($"Frame {missing} does not exist: the instance has {pixelData.NumberOfFrames} frame(s).");
        }
        await WriteFramesAsync(context, stored, pixelData, numbers).ConfigureAwait(false);
    }

    /// <summary>
    /// PS3.18 10.4.1.1.5 (Bulkdata Resources): the value at <paramref name="path"/> (<c>ggggeeee</c>, or
    /// <c>ggggeeee/item/ggggeeee…</c> with items from 0, as the metadata's BulkDataURIs write it) as one
    /// <c>application/octet-stream</c> part, little endian; Pixel Data (7FE0,0010) is its frames, as Retrieve Frames gives them.
    /// </summary>
    public async Task RetrieveBulkdataAsync(HttpContext context, string study, string series, string instance, string path)
    {
        var cancellationToken = context.RequestAborted;
        var location = (await LocateAsync(study, series, instance, cancellationToken).ConfigureAwait(false))[0];
        await using var stored = await OpenParsedAsync(location, cancellationToken).ConfigureAwait(false);
        var element = Find(stored.File.Dataset, path);
        if (element.Tag == DicomTag.PixelData && !path.Contains('/', StringComparison.Ordinal))
        {
            var pixelData = PixelDataOf(stored);
            await WriteFramesAsync(context, stored, pixelData, [.. Enumerable.Range(1, pixelData.NumberOfFrames)]).ConfigureAwait(false);
            return;
        }
        if (element is not DicomValueElement value)
        {
            throw DicomWebException.BadRequest($"{path} is a sequence, not bulk data.");
        }
        var ranges = AcceptedMediaType.Parse(context.Request.Headers.Accept);
        if (!ranges.Any(r => r.Matches(DicomWebMediaTypes.MultipartRelated) && (r.PartType is null || r.PartType == DicomWebMediaTypes.OctetStream)))
        {
            throw DicomWebException.NotAcceptable($"Bulk data {path} is given as multipart/related; type=\"application/octet-stream\" only.");
        }
        var writer = new MultipartRelatedWriter(context.Response, DicomWebMediaTypes.OctetStream, null);
        await writer.WritePartAsync(DicomWebMediaTypes.OctetStream, value.Buffer.Memory, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens and parses an instance for its frames or values; 404 when its object is gone, 500 when it cannot be read.</summary>
    public async Task<StoredInstance> OpenParsedAsync(InstanceLocation location, CancellationToken cancellationToken)
    {
        try
        {
            return await StoredInstance.OpenAsync(store, location, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            throw DicomWebException.NotFound($"Instance {location.SopInstanceUid} was deleted while it was read.");
        }
    }

    /// <summary>The Image Pixel module of an instance; 400 when it has no pixel data (not an image).</summary>
    public static DicomPixelData PixelDataOf(StoredInstance stored)
    {
        try
        {
            return DicomPixelData.Create(stored.File);
        }
        catch (DicomDataException e)
        {
            throw DicomWebException.BadRequest($"Instance {stored.Location.SopInstanceUid} has no frames: {e.Message}");
        }
    }

    /// <summary>A comma-separated list of 1-based frame numbers (PS3.18 10.4.1.1.6); 400 otherwise.</summary>
    public static int[] ParseFrameList(string frameList)
    {
        var numbers = frameList.Split(',').Select(n => int.TryParse(n.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0).ToArray();
        return numbers.All(n => n >= 1) ? numbers
            : throw DicomWebException.BadRequest($"'{frameList}' is not a comma-separated list of frame numbers, each 1 or more.");
    }

    private async Task WriteFramesAsync(HttpContext context, StoredInstance stored, DicomPixelData pixelData, int[] numbers)
    {
        var cancellationToken = context.RequestAborted;
        var storedUid = stored.File.TransferSyntax.Uid;
        var ranges = AcceptedMediaType.Parse(context.Request.Headers.Accept).Select(FramesRange).OfType<AcceptedMediaType>().ToList();
        var target = ranges.SelectMany(r => FrameMediaTypes.Candidates(r, storedUid)).FirstOrDefault(t => CanTranscode(storedUid, t))
            ?? throw DicomWebException.NotAcceptable(
                $"Frames in {storedUid} can be given as multipart/related; type=\"application/octet-stream\" (uncompressed), as stored "
                + $"(transfer-syntax=*), or in a compressed type whose transfer syntax has a codec ({string.Join(", ", codecs.TransferSyntaxUids)}).");
        var mediaType = FrameMediaTypes.Of(target);
        var writer = new MultipartRelatedWriter(context.Response, mediaType, target);
        var partType = $"{mediaType}; transfer-syntax={target}";
        if (target == DicomUid.ExplicitVRLittleEndian || !pixelData.IsEncapsulated && target == storedUid)
        {
            foreach (var number in numbers)
            {
                await writer.WritePartAsync(partType, Decode(pixelData, number - 1, writer.Started), cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var source = target == storedUid ? pixelData : DicomPixelData.Create(Transcode(stored, target));
            foreach (var number in numbers)
            {
                await writer.WritePartAsync(partType, source.GetEncodedFrame(number - 1), cancellationToken).ConfigureAwait(false);
            }
        }
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A native frame (PS3.18 8.7.3.5.1: little endian, Bits Allocated per sample); 406 when it cannot be decoded before anything was sent.</summary>
    private byte[] Decode(DicomPixelData pixelData, int index, bool started)
    {
        try
        {
            return codecs.GetFrame(pixelData, index);
        }
        catch (Exception e) when (!started && e is DicomException or NotSupportedException)
        {
            throw DicomWebException.NotAcceptable($"Frame {index + 1} cannot be decoded from {pixelData.TransferSyntax}: {e.Message}");
        }
    }

    /// <summary>A multipart range's part type as the range frames are chosen by; null for a range that is not multipart/related or a wildcard.</summary>
    private static AcceptedMediaType? FramesRange(AcceptedMediaType range) => range.MediaType switch
    {
        DicomWebMediaTypes.MultipartRelated => range with { MediaType = range.PartType ?? DicomWebMediaTypes.OctetStream },
        "*/*" or "multipart/*" => range,
        _ => null,
    };

    private static string? InstanceTransferSyntax(AcceptedMediaType range) =>
        range.MediaType is "*/*" or "multipart/*" || range.MediaType == DicomWebMediaTypes.MultipartRelated && range.PartType is null or DicomWebMediaTypes.Dicom
            ? range.TransferSyntax ?? DicomUid.ExplicitVRLittleEndian
            : null;

    /// <summary>Whether an instance stored in <paramref name="storedUid"/> can be given in <paramref name="targetUid"/> (<c>*</c>: as stored).</summary>
    private bool CanTranscode(string storedUid, string targetUid)
    {
        if (targetUid == "*" || targetUid == storedUid)
        {
            return true;
        }
        var stored = DicomTransferSyntax.Parse(storedUid);
        var target = DicomTransferSyntax.Parse(targetUid);
        return (!stored.IsEncapsulated || codecs.Find(stored) is not null)
            && (DicomTransferSyntax.Writable.Contains(target) || codecs.Find(target) is not null);
    }

    private async Task<Stream> OpenAsync(InstanceLocation location, bool started, CancellationToken cancellationToken)
    {
        try
        {
            return await store.OpenReadAsync(location.ObjectKey, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException) when (!started)
        {
            throw DicomWebException.NotFound($"Instance {location.SopInstanceUid} was deleted while it was read.");
        }
    }

    private async Task<ReadOnlyMemory<byte>> TranscodeAsync(InstanceLocation location, string targetUid, CancellationToken cancellationToken)
    {
        await using var stored = await OpenParsedAsync(location, cancellationToken).ConfigureAwait(false);
        var file = Transcode(stored, targetUid);
        using var output = new MemoryStream();
        file.Save(output);
        return output.GetBuffer().AsMemory(0, (int)output.Length);
    }

    /// <summary>The instance in <paramref name="targetUid"/>; 406 when its codec cannot keep the image (e.g. 16-bit samples in JPEG Baseline).</summary>
    private DicomFile Transcode(StoredInstance stored, string targetUid)
    {
        try
        {
            return _transcoder.Transcode(stored.File, DicomTransferSyntax.Parse(targetUid));
        }
        catch (Exception e) when (e is DicomException or NotSupportedException)
        {
            throw DicomWebException.NotAcceptable($"Instance {stored.Location.SopInstanceUid} cannot be transcoded from {stored.File.TransferSyntax} to {targetUid}: {e.Message}");
        }
    }

    /// <summary>The element at a bulk data path; 400 when the path is malformed, 404 when nothing is there.</summary>
    private static DicomElement Find(DicomDataset dataset, string path)
    {
        var segments = path.Split('/');
        if (segments.Length % 2 == 0)
        {
            throw DicomWebException.BadRequest($"'{path}' is not a path of tags and item indexes (ggggeeee[/item/ggggeeee…]).");
        }
        for (var i = 0; ; i += 2)
        {
            if (segments[i].Length != 8 || !uint.TryParse(segments[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var tag))
            {
                throw DicomWebException.BadRequest($"'{segments[i]}' in '{path}' is not a tag (8 hexadecimal digits).");
            }
            var element = dataset[new DicomTag(tag)] ?? throw DicomWebException.NotFound($"The instance has no {segments[i]} at '{path}'.");
            if (i == segments.Length - 1)
            {
                return element;
            }
            if (!int.TryParse(segments[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var item))
            {
                throw DicomWebException.BadRequest($"'{segments[i + 1]}' in '{path}' is not an item index (from 0).");
            }
            dataset = (element as DicomSequence)?.Items.ElementAtOrDefault(item)
                ?? throw DicomWebException.NotFound($"The instance has no item {item} of {segments[i]} at '{path}'.");
        }
    }

    private static string Uid(string uid) => DicomUid.IsValid(uid) ? uid
        : throw DicomWebException.BadRequest($"'{uid}' is not a valid UID (PS3.5 9.1).");
}
