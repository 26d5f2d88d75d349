using System.Globalization;

namespace Isocenter.Cli.Echo;

/// <summary>The arguments echo and send share: <c>[--aet A] [--called B] HOST PORT [rest...]</c>.</summary>
internal sealed record NetworkArguments(string Host, int Port, string CallingAETitle, string CalledAETitle, IReadOnlyList<string> Rest)
{
    public static bool TryParse(string[] args, out NetworkArguments parsed, out string error)
    {
        parsed = new NetworkArguments("", 0, "ISOCENTER", "ANY-SCP", []);
        error = "";
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--aet" or "--called" when i + 1 >= args.Length:
                    error = $"'{args[i]}' needs a value.";
                    return false;
                case "--aet":
                    parsed = parsed with { CallingAETitle = args[++i] };
                    break;
                case "--called":
                    parsed = parsed with { CalledAETitle = args[++i] };
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count < 2)
        {
            error = "HOST and PORT are required.";
            return false;
        }
        if (!int.TryParse(positional[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"'{positional[1]}' is not a TCP port.";
            return false;
        }
        if (parsed.CallingAETitle.Length is 0 or > 16 || parsed.CalledAETitle.Length is 0 or > 16)
        {
            error = "AE titles are 1 to 16 characters.";
            return false;
        }
        parsed = parsed with { Host = positional[0], Port = port, Rest = positional[2..] };
        return true;
    }
}
