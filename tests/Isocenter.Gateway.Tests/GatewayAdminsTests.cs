using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Isocenter.Gateway.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Isocenter.Gateway.Tests;

/// <summary>Administrators (issue 10's contract): listed in Gateway:Admins or holding the role in their token; only the gateway says so.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayAdminsTests(GatewayFixture gateway)
{
    [Theory]
    [InlineData(GatewayFixture.AdminName, null, "admin")]
    [InlineData("carol", GatewayAdmins.Role, "admin")]
    [InlineData("dave", "radiologist", null)]
    public async Task Proxied_RolesHeaderFromTheGatewayOnly(string user, string? role, string? forwarded)
    {
        var marker = Guid.NewGuid().ToString("N");
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = gateway.Auth.Issuer,
            Audience = gateway.Auth.Audience,
            Subject = new ClaimsIdentity([new Claim(GatewayUser.SubjectClaim, user), .. role is null ? Array.Empty<Claim>() : [new Claim("roles", role)]]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(gateway.Auth.DevelopmentKey(), SecurityAlgorithms.HmacSha256),
        });

        using var response = await gateway.GetAsync($"/api/worklists?probe={marker}", new AuthenticationHeaderValue("Bearer", token),
            (GatewayAdmins.RolesHeader, "admin,superuser"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(forwarded, Assert.Single(gateway.ReceivedWith(marker)).Request.Headers.GetValueOrDefault(GatewayAdmins.RolesHeader));
    }
}
