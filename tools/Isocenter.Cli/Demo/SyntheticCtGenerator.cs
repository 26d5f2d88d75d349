using System.Globalization;
using System.Runtime.InteropServices;
using Isocenter.Dicom;

namespace Isocenter.Cli.Demo;

/// <summary>What <see cref="SyntheticCtGenerator"/> makes.</summary>
internal sealed record SyntheticCtOptions
{
    /// <summary>Number of patients.</summary>
    public int Patients { get; init; } = 1;

    /// <summary>Studies per patient: the first on the patient's study date, each other one 90 days earlier (a prior).</summary>
    public int Studies { get; init; } = 1;

    /// <summary>Axial series per study, numbered from 1.</summary>
    public int Series { get; init; } = 1;

    /// <summary>Slices per series; they cover <see cref="CtPhantom.TrunkLength"/> mm unless <see cref="SliceThickness"/> is set.</summary>
    public int Slices { get; init; } = 100;

    /// <summary>Rows and columns of each image.</summary>
    public int Size { get; init; } = 512;

    /// <summary>Seed of everything but the UIDs: names, dates, noise.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Patient IDs are this prefix and a 5-digit number from 00001 (ISO00001…).</summary>
    public string PatientIdPrefix { get; init; } = "ISO";

    /// <summary>Bits Stored, 12 to 16; pixel values are clipped to what that many signed bits hold.</summary>
    public int BitsStored { get; init; } = 12;

    /// <summary>Reconstruction diameter in mm (pixel spacing is this over <see cref="Size"/>).</summary>
    public double FieldOfView { get; init; } = 360;

    /// <summary>Slice thickness and spacing in mm; by default the series covers the trunk.</summary>
    public double? SliceThickness { get; init; }

    /// <summary>The source of UIDs: <see cref="DicomUid.Generate"/> (fresh UIDs each run, so loading twice never collides), or a seeded one for reproducible files.</summary>
    public Func<string> NewUid { get; init; } = DicomUid.Generate;
}

/// <summary>One generated instance and where it goes under the output folder.</summary>
internal sealed record SyntheticCtInstance(string RelativePath, DicomDataset Dataset);

/// <summary>
/// Generates synthetic CT studies: CT Image Storage instances with the patient, study, series, equipment, frame of reference,
/// image plane, image pixel, CT image, VOI LUT and SOP common modules, and a torso phantom (<see cref="CtPhantom"/>) in the pixels.
/// </summary>
/// <remarks>
/// Files are laid out as <c>&lt;PatientID&gt;/&lt;StudyID&gt;/&lt;SeriesNumber&gt;/&lt;InstanceNumber&gt;.dcm</c>, e.g.
/// <c>ISO00001/STUDY1/SERIES1/0001.dcm</c>; StudyID is the study number. The same seed gives the same files except for the UIDs (see <see cref="SyntheticCtOptions.NewUid"/>).
/// </remarks>
internal sealed class SyntheticCtGenerator
{
    private static readonly string[] FamilyNames =
        ["SMITH", "GARCIA", "MUELLER", "ROSSI", "DUBOIS", "NOWAK", "JENSEN", "SILVA", "KOWALSKI", "TANAKA", "MARTIN", "BROWN", "NILSSON", "OKAFOR", "PATEL", "COHEN"];

    private static readonly string[] FemaleGivenNames = ["ANNA", "MARIA", "SOFIA", "ELENA", "LINA", "CLARA", "ROSE", "IRIS"];

    private static readonly string[] MaleGivenNames = ["JOHN", "PETER", "DAVID", "MARK", "THOMAS", "OMAR", "HENRIK", "PAUL"];

    private static readonly DateOnly FirstStudyDate = new(2024, 1, 8);

    private readonly SyntheticCtOptions _options;

    /// <summary>Checks <paramref name="options"/>.</summary>
    public SyntheticCtGenerator(SyntheticCtOptions options)
    {
        if (options.Patients < 1 || options.Studies < 1 || options.Series < 1 || options.Slices < 1 || options.Size is < 16 or > 4096 || options.BitsStored is < 12 or > 16
            || options.FieldOfView <= 0 || options.SliceThickness <= 0)
        {
            throw new ArgumentException(
                "Patients, studies, series and slices must be at least 1, size within 16..4096, bits stored within 12..16, field of view and slice thickness positive.",
                nameof(options));
        }
        _options = options;
    }

    /// <summary>Number of instances <see cref="Generate"/> yields.</summary>
    public int InstanceCount => _options.Patients * _options.Studies * _options.Series * _options.Slices;

    /// <summary>Pixel spacing in mm.</summary>
    public double PixelSpacing => _options.FieldOfView / _options.Size;

    /// <summary>Slice thickness (and spacing between slices) in mm.</summary>
    public double SliceThickness => _options.SliceThickness ?? Math.Round(CtPhantom.TrunkLength / _options.Slices, 3);

    /// <summary>The instances, patient by patient, study by study, series by series, slice by slice from head to feet; each is built when it is enumerated.</summary>
    public IEnumerable<SyntheticCtInstance> Generate()
    {
        var random = new Random(_options.Seed);
        for (var p = 0; p < _options.Patients; p++)
        {
            var patient = NewPatient(random, p, _options.PatientIdPrefix);
            for (var s = 1; s <= _options.Studies; s++)
            {
                var study = NewStudy(patient, s);
                for (var n = 1; n <= _options.Series; n++)
                {
                    var series = new SeriesContext(patient, study, _options.NewUid(), _options.NewUid(), n);
                    for (var slice = 0; slice < _options.Slices; slice++)
                    {
                        var dataset = CreateSlice(series, slice);
                        var path = Path.Combine(patient.Id, "STUDY" + s.ToString(CultureInfo.InvariantCulture), "SERIES" + n.ToString(CultureInfo.InvariantCulture),
                            (slice + 1).ToString("D4", CultureInfo.InvariantCulture) + ".dcm");
                        yield return new SyntheticCtInstance(path, dataset);
                    }
                }
            }
        }
    }

    /// <summary>
    /// An Enhanced CT Image Storage instance of <paramref name="frames"/> slices through the phantom, with per-frame plane positions.
    /// Its Pixel Data is rendered while it is written (<see cref="DicomBuffer.CopyTo"/>), so a gigabyte volume never sits in memory.
    /// </summary>
    public DicomDataset CreateVolume(int frames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        var patient = NewPatient(new Random(_options.Seed), 0, _options.PatientIdPrefix);
        var series = new SeriesContext(patient, NewStudy(patient, 1), _options.NewUid(), _options.NewUid(), 1);
        var thickness = _options.SliceThickness ?? Math.Round(CtPhantom.TrunkLength / frames, 3);
        var ds = new DicomDataset();
        AddCommonModules(ds, series, DicomUid.EnhancedCTImageStorage, thickness);
        ds.Set(DicomTag.ImageType, "ORIGINAL", "PRIMARY", "VOLUME", "NONE");
        ds.Set(DicomTag.InstanceNumber, 1);
        ds.Set(DicomTag.ContentQualification, "PRODUCT");
        ds.Set(DicomTag.PixelPresentation, "MONOCHROME");
        ds.Set(DicomTag.VolumetricProperties, "VOLUME");
        ds.Set(DicomTag.VolumeBasedCalculationTechnique, "NONE");
        ds.Set(DicomTag.NumberOfFrames, frames);
        ds.Set(DicomTag.BurnedInAnnotation, "NO");
        ds.Set(DicomTag.LossyImageCompression, "00");
        ds.Set(DicomTag.PresentationLUTShape, "IDENTITY");
        ds.Set(DicomTag.AcquisitionDateTime, series.Study.Date.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "101500");

        var shared = new DicomDataset()
            .Set(DicomTag.PixelMeasuresSequence, new DicomDataset()
                .Set<double>(DicomTag.PixelSpacing, PixelSpacing, PixelSpacing)
                .Set<double>(DicomTag.SliceThickness, thickness))
            .Set(DicomTag.PlaneOrientationSequence, new DicomDataset()
                .Set<int>(DicomTag.ImageOrientationPatient, 1, 0, 0, 0, 1, 0))
            .Set(DicomTag.PixelValueTransformationSequence, new DicomDataset()
                .Set<int>(DicomTag.RescaleIntercept, -1024)
                .Set<int>(DicomTag.RescaleSlope, 1)
                .Set(DicomTag.RescaleType, "HU"))
            .Set(DicomTag.FrameVOILUTSequence, new DicomDataset()
                .Set<int>(DicomTag.WindowCenter, 40, -600)
                .Set<int>(DicomTag.WindowWidth, 400, 1500));
        ds.Set(DicomTag.SharedFunctionalGroupsSequence, shared);
        var perFrame = new DicomDataset[frames];
        for (var i = 0; i < frames; i++)
        {
            perFrame[i] = new DicomDataset()
                .Set(DicomTag.FrameContentSequence, new DicomDataset()
                    .Set<int>(DicomTag.StackID, 1)
                    .Set<int>(DicomTag.InStackPositionNumber, i + 1)
                    .Set<int>(DicomTag.DimensionIndexValues, 1, i + 1))
                .Set(DicomTag.PlanePositionSequence, new DicomDataset()
                    .Set<double>(DicomTag.ImagePositionPatient, Origin, Origin, ZPosition(i * thickness)));
        }
        ds.Set(DicomTag.PerFrameFunctionalGroupsSequence, perFrame);
        AddImagePixel(ds);
        ds.Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OW,
            new RenderedFramesBuffer(frames, _options.Size, PixelSpacing, thickness, (ulong)_options.Seed, _options.BitsStored)));
        return ds;
    }

    /// <summary>Pixel values of one slice (stored values, little-endian int16), <paramref name="z"/> mm below the top of the trunk.</summary>
    public static void RenderStoredValues(Span<short> pixels, int size, double pixelSpacing, double z, ulong noiseSeed, int bitsStored)
    {
        CtPhantom.Render(pixels, size, pixelSpacing, z, noiseSeed);
        // Rescale Intercept -1024, slope 1: stored = HU + 1024, clipped to the signed range of Bits Stored.
        var max = (1 << (bitsStored - 1)) - 1;
        var min = -(1 << (bitsStored - 1));
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (short)Math.Clamp(pixels[i] + 1024, min, max);
        }
        if (!BitConverter.IsLittleEndian)
        {
            System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(pixels, pixels);
        }
    }

    // Top-left pixel centre in mm, so that the image is centred on the isocenter.
    private double Origin => -(_options.Size - 1) / 2.0 * PixelSpacing;

    // Patient z of a slice depth mm below the top (LPS: +z is superior); 0.0 - depth avoids writing "-0".
    private static double ZPosition(double depth) => 0.0 - depth;

    private DicomDataset CreateSlice(SeriesContext series, int slice)
    {
        var ds = new DicomDataset();
        AddCommonModules(ds, series, DicomUid.CTImageStorage, SliceThickness);
        var z = slice * SliceThickness;
        var acquisitionTime = series.Study.Time.Add(TimeSpan.FromMilliseconds(500 * slice));

        // General Image and CT Image.
        ds.Set(DicomTag.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
        ds.Set(DicomTag.AcquisitionNumber, 1);
        ds.Set(DicomTag.InstanceNumber, slice + 1);
        ds.Set(DicomTag.PatientOrientation, "L", "P");
        ds.Set(DicomTag.AcquisitionDate, series.Study.Date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        ds.Set(DicomTag.AcquisitionTime, acquisitionTime.ToString("HHmmss.fff", CultureInfo.InvariantCulture));
        ds.Set(DicomTag.ContentDate, series.Study.Date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        ds.Set(DicomTag.ContentTime, acquisitionTime.ToString("HHmmss.fff", CultureInfo.InvariantCulture));
        ds.Set(DicomTag.BurnedInAnnotation, "NO");
        ds.Set(DicomTag.LossyImageCompression, "00");
        ds.Set<int>(DicomTag.KVP, 120);
        ds.Set<int>(DicomTag.XRayTubeCurrent, 250);
        ds.Set<int>(DicomTag.ExposureTime, 500);
        ds.Set(DicomTag.ConvolutionKernel, "STANDARD");
        ds.Set<double>(DicomTag.ReconstructionDiameter, _options.FieldOfView);
        ds.Set<int>(DicomTag.DataCollectionDiameter, 500);
        ds.Set<int>(DicomTag.GantryDetectorTilt, 0);
        ds.Set<int>(DicomTag.TableHeight, 150);
        ds.Set(DicomTag.RotationDirection, "CW");

        // Image Plane: axial slices from the lung apex down, z decreasing towards the feet (LPS: +z is superior).
        ds.Set<double>(DicomTag.PixelSpacing, PixelSpacing, PixelSpacing);
        ds.Set<int>(DicomTag.ImageOrientationPatient, 1, 0, 0, 0, 1, 0);
        ds.Set<double>(DicomTag.ImagePositionPatient, Origin, Origin, ZPosition(z));
        ds.Set<double>(DicomTag.SliceThickness, SliceThickness);
        ds.Set<double>(DicomTag.SpacingBetweenSlices, SliceThickness);
        ds.Set<double>(DicomTag.SliceLocation, ZPosition(z));

        // Image Pixel, Modality LUT and VOI LUT.
        AddImagePixel(ds);
        ds.Set<int>(DicomTag.RescaleIntercept, -1024);
        ds.Set<int>(DicomTag.RescaleSlope, 1);
        ds.Set(DicomTag.RescaleType, "HU");
        ds.Set<int>(DicomTag.WindowCenter, 40, -600);
        ds.Set<int>(DicomTag.WindowWidth, 400, 1500);
        ds.Set(DicomTag.WindowCenterWidthExplanation, "SOFT TISSUE", "LUNG");

        var size = _options.Size;
        var pixels = new short[size * size];
        RenderStoredValues(pixels, size, PixelSpacing, z, NoiseSeed(series, slice), _options.BitsStored);
        var bytes = MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray();
        ds.Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OW, DicomBuffer.FromBytes(bytes)));
        return ds;
    }

    private void AddCommonModules(DicomDataset ds, SeriesContext series, string sopClassUid, double sliceThickness)
    {
        var patient = series.Patient;
        var study = series.Study;
        var date = study.Date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var time = study.Time.ToString("HHmmss", CultureInfo.InvariantCulture);

        // SOP Common.
        ds.Set(DicomTag.SOPClassUID, sopClassUid);
        ds.Set(DicomTag.SOPInstanceUID, _options.NewUid());
        ds.Set(DicomTag.InstanceCreationDate, date);
        ds.Set(DicomTag.InstanceCreationTime, time);

        // Patient.
        ds.Set(DicomTag.PatientName, patient.Name);
        ds.Set(DicomTag.PatientID, patient.Id);
        ds.Set(DicomTag.IssuerOfPatientID, "ISOCENTER DEMO");
        ds.Set(DicomTag.PatientBirthDate, patient.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        ds.Set(DicomTag.PatientSex, patient.Sex);

        // General Study and Patient Study.
        ds.Set(DicomTag.StudyInstanceUID, study.Uid);
        ds.Set(DicomTag.StudyDate, date);
        ds.Set(DicomTag.StudyTime, time);
        ds.Set(DicomTag.ReferringPhysicianName, "WELBY^MARCUS");
        ds.Set(DicomTag.StudyID, study.Number.ToString(CultureInfo.InvariantCulture));
        ds.Set(DicomTag.AccessionNumber, study.AccessionNumber);
        ds.Set(DicomTag.StudyDescription, "CT CHEST ABDOMEN WITH CONTRAST");
        ds.Set(DicomTag.PatientAge, patient.Age.ToString("D3", CultureInfo.InvariantCulture) + "Y");
        ds.Set<double>(DicomTag.PatientSize, patient.Height);
        ds.Set<int>(DicomTag.PatientWeight, patient.Weight);

        // General Series and Frame of Reference.
        ds.Set(DicomTag.Modality, "CT");
        ds.Set(DicomTag.SeriesInstanceUID, series.SeriesUid);
        ds.Set(DicomTag.SeriesNumber, series.Number);
        ds.Set(DicomTag.SeriesDate, date);
        ds.Set(DicomTag.SeriesTime, time);
        ds.Set(DicomTag.SeriesDescription, "AXIAL " + sliceThickness.ToString("0.##", CultureInfo.InvariantCulture) + " MM");
        ds.Set(DicomTag.BodyPartExamined, "CHEST");
        ds.Set(DicomTag.PatientPosition, "HFS");
        ds.Set(DicomTag.FrameOfReferenceUID, series.FrameOfReferenceUid);
        ds.Set(DicomTag.PositionReferenceIndicator, string.Empty);

        // General Equipment.
        ds.Set(DicomTag.Manufacturer, "Isocenter");
        ds.Set(DicomTag.InstitutionName, "Isocenter Demo Hospital");
        ds.Set(DicomTag.StationName, "DEMOCT1");
        ds.Set(DicomTag.ManufacturerModelName, "Synthetic CT");
        ds.Set(DicomTag.SoftwareVersions, "isocenter demo");
    }

    private void AddImagePixel(DicomDataset ds)
    {
        ds.Set<int>(DicomTag.SamplesPerPixel, 1);
        ds.Set(DicomTag.PhotometricInterpretation, "MONOCHROME2");
        ds.Set<int>(DicomTag.Rows, _options.Size);
        ds.Set<int>(DicomTag.Columns, _options.Size);
        ds.Set<int>(DicomTag.BitsAllocated, 16);
        ds.Set<int>(DicomTag.BitsStored, _options.BitsStored);
        ds.Set<int>(DicomTag.HighBit, _options.BitsStored - 1);
        ds.Set<int>(DicomTag.PixelRepresentation, 1);
    }

    private ulong NoiseSeed(SeriesContext series, int slice) =>
        (ulong)_options.Seed * 0x100000001B3UL ^ (ulong)series.Patient.Index << 40 ^ (ulong)series.Study.Number << 36 ^ (ulong)series.Number << 32 ^ (uint)slice;

    private static PatientInfo NewPatient(Random random, int index, string idPrefix)
    {
        var sex = random.Next(2) == 0 ? "F" : "M";
        var givenNames = sex == "F" ? FemaleGivenNames : MaleGivenNames;
        var given = givenNames[random.Next(givenNames.Length)];
        var family = FamilyNames[random.Next(FamilyNames.Length)];
        var studyDate = FirstStudyDate.AddDays(random.Next(0, 365));
        var age = random.Next(25, 86);
        var birthDate = studyDate.AddYears(-age).AddDays(-random.Next(0, 365));
        var studyTime = new TimeOnly(8, 0).Add(TimeSpan.FromMinutes(random.Next(0, 9 * 60)));
        var id = idPrefix + (index + 1).ToString("D5", CultureInfo.InvariantCulture);
        var accession = "A" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var height = (sex == "F" ? 1.55 : 1.65) + random.Next(0, 26) / 100.0;
        var weight = (int)Math.Round(22 * height * height) + random.Next(-8, 20);
        return new PatientInfo(index, id, family + "^" + given, sex, birthDate, age, height, weight, studyDate, studyTime, accession);
    }

    private sealed record PatientInfo(
        int Index, string Id, string Name, string Sex, DateOnly BirthDate, int Age, double Height, int Weight, DateOnly StudyDate, TimeOnly StudyTime, string AccessionNumber);

    // Study 1 is on the patient's study date; study k is (k - 1) × 90 days earlier, with its own accession number.
    private StudyInfo NewStudy(PatientInfo patient, int number) => new(number, _options.NewUid(), patient.StudyDate.AddDays(-90 * (number - 1)), patient.StudyTime,
        number == 1 ? patient.AccessionNumber : patient.AccessionNumber + "-" + number.ToString(CultureInfo.InvariantCulture));

    private sealed record StudyInfo(int Number, string Uid, DateOnly Date, TimeOnly Time, string AccessionNumber);

    private sealed record SeriesContext(PatientInfo Patient, StudyInfo Study, string SeriesUid, string FrameOfReferenceUid, int Number);

    /// <summary>Pixel Data of a volume, rendered frame by frame when written; loading it whole is refused.</summary>
    private sealed class RenderedFramesBuffer(int frames, int size, double pixelSpacing, double thickness, ulong seed, int bitsStored) : DicomBuffer
    {
        public override long Length => (long)frames * size * size * 2;

        public override bool IsLoaded => false;

        public override ReadOnlyMemory<byte> Memory => throw new DicomDataException(
            $"The synthetic volume's {Length} bytes of pixel data are rendered while written; stream them with CopyTo.");

        public override void CopyTo(Stream destination)
        {
            var pixels = new short[size * size];
            for (var frame = 0; frame < frames; frame++)
            {
                RenderStoredValues(pixels, size, pixelSpacing, frame * thickness, seed ^ (ulong)frame << 20, bitsStored);
                destination.Write(MemoryMarshal.AsBytes(pixels.AsSpan()));
            }
        }
    }
}
