using Isocenter.Gateway.Login;

namespace Isocenter.Gateway.Sessions;

/// <summary>The pages a browser gets when a share link or a launch URL does not open: what happened and what to do.</summary>
internal static class SessionPages
{
    /// <summary>A share link that does not open: <paramref name="reason"/>, and to ask its sender for a new one.</summary>
    public static IResult LinkRefused(int status, string reason) =>
        LoginPage.Notice("This review link does not open", $"{reason} Ask the person who sent you the link for a new one.", status);

    /// <summary>A launch URL that does not open: <paramref name="reason"/>, and to open the study again from where it came.</summary>
    public static IResult LaunchRefused(string reason) =>
        LoginPage.Notice("This viewer link does not open", $"The link's launch token was refused: {reason}. Launch tokens are short-lived; "
            + "open the study again from the PACS or HIS that sent you here to get a new link.", StatusCodes.Status401Unauthorized);
}
