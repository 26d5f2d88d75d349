namespace Isocenter.Dicom.IO;

/// <summary>Receives what <see cref="DicomParser"/> reads, in stream order. Building a dataset is one observer among others.</summary>
public interface IDicomReaderObserver
{
    /// <summary>A data element with a value (little-endian bytes, possibly lazy).</summary>
    void OnElement(DicomTag tag, DicomVR vr, DicomBuffer value);

    /// <summary>A sequence starts; its items follow.</summary>
    void OnBeginSequence(DicomTag tag);

    /// <summary>An item of the current sequence starts.</summary>
    void OnBeginItem();

    /// <summary>The current item ends.</summary>
    void OnEndItem();

    /// <summary>The current sequence ends.</summary>
    void OnEndSequence();

    /// <summary>Encapsulated pixel data starts: the Basic Offset Table item.</summary>
    void OnBeginFragments(DicomTag tag, DicomVR vr, DicomBuffer offsetTable);

    /// <summary>One fragment of encapsulated pixel data.</summary>
    void OnFragment(DicomBuffer fragment);

    /// <summary>Encapsulated pixel data ends.</summary>
    void OnEndFragments();
}
