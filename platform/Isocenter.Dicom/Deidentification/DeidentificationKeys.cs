using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Isocenter.Dicom.Deidentification;

/// <summary>
/// The keyed, repeatable replacements of a de-identification: one secret gives the same new UID for the same original UID,
/// the same pseudonym and date offset for the same patient, across studies and runs; another secret gives unrelated ones.
/// </summary>
public sealed class DeidentificationKeys
{
    private readonly byte[] _secret;

    /// <summary>Creates the keys from a secret of at least 16 bytes (a reading set's 32 random bytes).</summary>
    public DeidentificationKeys(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < 16)
        {
            throw new ArgumentException($"A de-identification secret needs at least 16 bytes; got {secret.Length}.", nameof(secret));
        }
        _secret = secret.ToArray();
    }

    /// <summary>The replacement of <paramref name="uid"/>: "2.25." and the decimal of the first 128 bits of HMAC-SHA256(secret, uid).</summary>
    public string MapUid(string uid)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash("uid", uid.TrimEnd('\0', ' '), hash);
        return "2.25." + new BigInteger(hash[..16], isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The pseudonymous Patient ID of the patient <paramref name="patientId"/> (issued by <paramref name="issuer"/>).</summary>
    public string PseudonymousPatientId(string patientId, string? issuer)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash("patient", PatientKey(patientId, issuer), hash);
        return "DEID-" + Convert.ToHexString(hash[..6]);
    }

    /// <summary>The pseudonymous Patient's Name: the pseudonymous ID as the family name.</summary>
    public string PseudonymousPatientName(string patientId, string? issuer) => PseudonymousPatientId(patientId, issuer);

    /// <summary>The per-patient date shift of the Modified Dates option: between 365 and 3652 days into the past.</summary>
    public int DateOffsetDays(string patientId, string? issuer)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash("date-offset", PatientKey(patientId, issuer), hash);
        return -(365 + (int)(BitConverter.ToUInt32(hash[..4]) % 3288));
    }

    private static string PatientKey(string patientId, string? issuer) => $"{patientId.Trim()}^{issuer?.Trim()}";

    private void Hash(string purpose, string value, Span<byte> destination) =>
        HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes($"{purpose}:{value}"), destination);
}
