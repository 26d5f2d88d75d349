using System.Net.Http.Headers;
using System.Text;

namespace Isocenter.DicomWeb.Tests;

/// <summary>One body part of a multipart response: its Content-Type header and its bytes.</summary>
public sealed record BodyPart(MediaTypeHeaderValue ContentType, byte[] Content)
{
    /// <summary>The part's <c>transfer-syntax</c> parameter, or null.</summary>
    public string? TransferSyntax => ContentType.Parameters.FirstOrDefault(p => p.Name == "transfer-syntax")?.Value;
}

/// <summary>A small reader of <c>multipart/related</c> bodies (RFC 2046 5.1.1), to check what the service writes, not to be lenient.</summary>
public static class Multipart
{
    /// <summary>The parts of <paramref name="response"/>, which must be <c>multipart/related</c> with a boundary.</summary>
    public static async Task<List<BodyPart>> ReadAsync(HttpResponseMessage response)
    {
        var type = response.Content.Headers.ContentType;
        Assert.Equal("multipart/related", type?.MediaType);
        var boundary = type!.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var body = await response.Content.ReadAsByteArrayAsync();
        var delimiter = Encoding.ASCII.GetBytes($"\r\n--{boundary}");
        // The first delimiter may open the body without the CRLF that belongs to every later one.
        var at = body.AsSpan().StartsWith(delimiter.AsSpan(2)) ? -2 : body.AsSpan().IndexOf(delimiter);
        Assert.True(at >= -2, "no opening boundary");
        var parts = new List<BodyPart>();
        while (true)
        {
            var start = at + delimiter.Length;
            if (body.AsSpan(start).StartsWith("--"u8))
            {
                return parts;
            }
            Assert.True(body.AsSpan(start).StartsWith("\r\n"u8), "a boundary line is not followed by CRLF");
            start += 2;
            var headersLength = body.AsSpan(start).IndexOf("\r\n\r\n"u8);
            var headers = Encoding.ASCII.GetString(body, start, headersLength).Split("\r\n");
            var contentType = headers.Single(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))["Content-Type:".Length..].Trim();
            var contentStart = start + headersLength + 4;
            var next = body.AsSpan(contentStart).IndexOf(delimiter);
            Assert.True(next >= 0, "a part is not closed by a boundary");
            parts.Add(new BodyPart(MediaTypeHeaderValue.Parse(contentType), body[contentStart..(contentStart + next)]));
            at = contentStart + next;
        }
    }
}
