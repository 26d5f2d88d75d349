using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Isocenter.Dicom.Deidentification;

/// <summary>
/// The "C" (clean) action for free text: keeps the words of a safe vocabulary (modalities, anatomy, technique, contrast,
/// orientation) and small measurements such as "1.25mm" or "120kV"; every other word (names, IDs, dates, places) is dropped.
/// </summary>
public static partial class DescriptorCleaner
{
    private static readonly FrozenSet<string> SafeWords = """
        CT MR MRI PET SPECT US XR CR DX NM MG RF XA CTA MRA PT
        HEAD NECK BRAIN SKULL FACE FACIAL ORBIT ORBITS SINUS SINUSES TEMPORAL DENTAL CHEST THORAX THORACIC LUNG LUNGS HEART
        CARDIAC CORONARY AORTA AORTIC ABDOMEN ABDOMINAL PELVIS PELVIC LIVER KIDNEY KIDNEYS RENAL SPINE SPINAL CERVICAL LUMBAR
        SACRUM BODY WHOLE UPPER LOWER EXTREMITY ARM LEG KNEE HIP SHOULDER ELBOW WRIST HAND ANKLE FOOT BONE BONES SOFT TISSUE
        MEDIASTINUM PULMONARY VASCULAR ANGIO ANGIOGRAPHY PERFUSION DIFFUSION DWI ADC T1 T2 FLAIR STIR GRE SE TSE FSE EPI
        W WO WITH WITHOUT AND OR OF THE IN NO NON CONTRAST IV ORAL PRE POST ARTERIAL VENOUS PORTAL DELAYED PHASE
        AX AXIAL SAG SAGITTAL COR CORONAL OBL OBLIQUE LEFT RIGHT BILATERAL L R LAT AP PA
        ROUTINE STANDARD PROTOCOL SCAN EXAM STUDY SERIES IMAGE IMAGES SCOUT LOCALIZER TOPOGRAM SURVIEW RECON RECONSTRUCTION
        MPR MIP MINIP VR THIN THICK SLICE SLICES HELICAL SPIRAL SEQUENTIAL LOW HIGH DOSE RESOLUTION KERNEL FILTER SMOOTH SHARP
        TRAUMA SCREENING FOLLOW UP BIOPSY CALCIUM SCORE EMBOLISM PE STROKE TUMOR TUMOUR MASS NODULE FRACTURE
        PHANTOM DEMO SYNTHETIC
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The safe words and measurements of <paramref name="text"/>, in order, separated by single spaces (empty when none).</summary>
    public static string Clean(string text) => string.Join(' ', Words().Split(text)
        .Select(w => w.Trim('.'))
        .Where(w => w.Length > 0 && (SafeWords.Contains(w) || Measurement().IsMatch(w))));

    [GeneratedRegex("[^A-Za-z0-9.]+")]
    private static partial Regex Words();

    [GeneratedRegex("^[0-9]{1,3}(\\.[0-9]{1,3})?(mm|cm|kv|kvp|ma|mas|ms|s|ml)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Measurement();
}
