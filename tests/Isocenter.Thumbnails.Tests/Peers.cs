namespace Isocenter.Thumbnails.Tests;

/// <summary>The real test data the tests read.</summary>
internal static class Peers
{
    public const string Corpus = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
}
