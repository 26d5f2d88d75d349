namespace Isocenter.Dicom;

/// <summary>Base class of the toolkit's exceptions: the message says what is wrong and, where it helps, what to do.</summary>
public class DicomException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public DicomException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and the underlying cause.</summary>
    public DicomException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Input that is not a readable DICOM stream: truncated, wrong lengths, garbage. Carries the byte offset.</summary>
public sealed class DicomReadException : DicomException
{
    /// <summary>Creates the exception for a problem at <paramref name="offset"/> in the stream.</summary>
    public DicomReadException(string message, long offset, bool isTruncation = false) : base($"{message} (at byte {offset})")
    {
        Offset = offset;
        IsTruncation = isTruncation;
    }

    /// <summary>Byte offset in the input where reading failed.</summary>
    public long Offset { get; }

    /// <summary>True when the data simply ended too early (a truncated file), rather than being malformed.</summary>
    public bool IsTruncation { get; }
}

/// <summary>A value that is missing, of the wrong type, or cannot be encoded.</summary>
public sealed class DicomDataException : DicomException
{
    /// <summary>Creates the exception.</summary>
    public DicomDataException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public DicomDataException(string message, Exception inner) : base(message, inner) { }
}
