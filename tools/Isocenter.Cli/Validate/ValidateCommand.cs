using Isocenter.Dicom;
using Isocenter.Dicom.Validation;

namespace Isocenter.Cli.Validate;

/// <summary>`isocenter validate FILE…`: prints each finding as "E:"/"W:" lines; exit 1 when any file has errors.</summary>
internal static class ValidateCommand
{
    public static int Run(IReadOnlyList<string> files, TextWriter output)
    {
        var failed = 0;
        foreach (var path in files)
        {
            IReadOnlyList<DicomValidationIssue> issues;
            try
            {
                issues = DicomValidator.Validate(DicomFile.Open(path));
            }
            catch (DicomReadException e)
            {
                issues = [new DicomValidationIssue(DicomValidationSeverity.Error, "file", e.Message)];
            }
            var errors = issues.Count(i => i.Severity == DicomValidationSeverity.Error);
            output.WriteLine($"{path}: {(errors == 0 ? "valid" : $"{errors} error(s)")}, {issues.Count - errors} warning(s)");
            foreach (var issue in issues)
            {
                output.WriteLine($"  {issue}");
            }
            failed += errors > 0 ? 1 : 0;
        }
        return failed > 0 ? 1 : 0;
    }
}
