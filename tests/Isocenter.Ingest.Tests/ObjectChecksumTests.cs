using System.Text;
using Isocenter.Archive.Store;

namespace Isocenter.Ingest.Tests;

public sealed class ObjectChecksumTests
{
    [Theory] // as xxhsum -H2 (xxHash 0.8.1, Debian's xxhash) prints them
    [InlineData("", "xxh128:99aa06d3014798d86001c324468d497f")]
    [InlineData("Isocenter", "xxh128:3a906534fd33d11b6959a4e4afd9908e")]
    public void Of_Bytes_IsXxh128InCanonicalOrder(string content, string expected)
    {
        Assert.Equal(expected, ObjectChecksum.Of(Encoding.ASCII.GetBytes(content)));
    }
}
