using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Api;

/// <summary>Walks every endpoint the api maps, so a new endpoint without authorization fails here.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuthorizationTests(ApiFactory api)
{
    private static readonly HashSet<string> Public =
    [
        "POST /api/auth/register", "POST /api/auth/login", "POST /api/auth/verify", "POST /api/auth/refresh", "POST /api/auth/logout",
        "POST /api/auth/password-reset", "POST /api/auth/password-reset/confirm", "POST /api/auth/invitation/accept", "GET /api/auth/options",
        "GET /api/auth/sso/", "GET /api/auth/sso/login", "POST /api/auth/sso/token",
        "GET /health/live", "GET /health/ready",
    ];

    [Fact]
    public async Task Every_endpoint_but_the_account_links_sign_in_and_health_requires_a_token()
    {
        var client = api.CreateClient();
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Route: e.RoutePattern.RawText!)))
            .Where(e => !Public.Contains($"{e.Method} {e.Route}"))
            .ToList();
        Assert.True(endpoints.Count >= 15, $"found only {endpoints.Count} endpoints");

        foreach (var (method, route) in endpoints)
        {
            var path = route.Replace("{id}", "doc_000000000000").Replace("{messageId}", "msg_0").Replace("{userId}", "usr_0");
            // Any other parameter (the Orleans dashboard's, e.g. {page:int}, {**path}) gets a value its constraint accepts.
            path = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]*:int\}", "1");
            path = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]*\}", "x");
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") });
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {route} answered {(int)response.StatusCode} without a token");
        }
    }
}
