using Isocenter.Gateway;
using Isocenter.Gateway.Auth;

// The gateway: the one origin of the viewer, DICOMweb, render and API (docs/gateway.md). Two verbs for operators:
// `token [--user dev] [--minutes 480]` mints a token with the development key; `apikey` makes a key and the hash to configure.
switch (args)
{
    case ["token", .. var options]:
        Console.WriteLine(DevelopmentTokens.Mint(GatewayHost.ReadConfiguration(options), TimeProvider.System));
        return;
    case ["apikey"]:
        var (key, sha256) = ApiKeyAuthenticationHandler.Create();
        Console.WriteLine($"key (give to the service account): {key}\nGateway:ApiKeys:N:Sha256 (configure):  {sha256}");
        return;
}
var app = GatewayHost.Create(args);
await app.RunAsync().ConfigureAwait(false);
