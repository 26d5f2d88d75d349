using System.Text;

namespace Isocenter.DicomWeb;

/// <summary>
/// Writes a <c>multipart/related</c> response (RFC 2387; PS3.18 8.7.1) part by part as the parts come: the status and
/// headers go out with the first part, so anything that fails before it is still answered with an error status; a failure
/// after it can only abort the response.
/// </summary>
internal sealed class MultipartRelatedWriter(HttpResponse response, string type, string? transferSyntax)
{
    private readonly string _boundary = Guid.NewGuid().ToString("N");

    /// <summary>Whether the status and headers were sent.</summary>
    public bool Started { get; private set; }

    /// <summary>Writes a part of <paramref name="contentType"/> with the rest of <paramref name="content"/> as its body.</summary>
    public async Task WritePartAsync(string contentType, Stream content, CancellationToken cancellationToken)
    {
        await WritePartHeaderAsync(contentType, cancellationToken).ConfigureAwait(false);
        await content.CopyToAsync(response.Body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a part of <paramref name="contentType"/> with <paramref name="content"/> as its body.</summary>
    public async Task WritePartAsync(string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await WritePartHeaderAsync(contentType, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the closing delimiter.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        Start();
        return response.Body.WriteAsync(Encoding.ASCII.GetBytes(Closing()), cancellationToken).AsTask();
    }

    /// <summary>
    /// Declares the response's Content-Length before the first part: the parts' content types and body lengths, in order, as
    /// they will be written. A client reads a body of known length in large pieces where a chunked one comes in the chunk
    /// parser's 4 KiB (.NET's HttpClient, and so the gateway's proxy); the writer must then write exactly these parts.
    /// </summary>
    public void DeclareLength(IEnumerable<(string ContentType, long Length)> parts) =>
        response.ContentLength = parts.Sum(p => Encoding.ASCII.GetByteCount(PartHeader(p.ContentType)) + p.Length) + Encoding.ASCII.GetByteCount(Closing());

    /// <summary>Withdraws a declared Content-Length (the response goes chunked); only before the first part.</summary>
    public void WithdrawLength()
    {
        if (Started)
        {
            throw new InvalidOperationException("The response's headers were sent with its Content-Length.");
        }
        response.ContentLength = null;
    }

    private Task WritePartHeaderAsync(string contentType, CancellationToken cancellationToken)
    {
        Start();
        return response.Body.WriteAsync(Encoding.ASCII.GetBytes(PartHeader(contentType)), cancellationToken).AsTask();
    }

    private string PartHeader(string contentType) => $"\r\n--{_boundary}\r\nContent-Type: {contentType}\r\n\r\n";

    private string Closing() => $"\r\n--{_boundary}--\r\n";

    private void Start()
    {
        if (Started)
        {
            return;
        }
        Started = true;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = $"{DicomWebMediaTypes.MultipartRelated}; type=\"{type}\"; boundary={_boundary}"
            + (transferSyntax is null ? "" : $"; transfer-syntax={transferSyntax}");
    }
}
