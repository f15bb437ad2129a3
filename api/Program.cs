using KnowledgeBase.Api.Endpoints;
using KnowledgeBase.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddKnowledgeBaseApi();

var app = builder.Build();
app.UseKnowledgeBaseApi();
app.MapAuthEndpoints();
app.MapChatEndpoints();
app.MapDocumentEndpoints();
app.MapAdminEndpoints();
app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" })).AllowAnonymous();
app.Run();

/// <summary>The api host (public so the tests can start it through WebApplicationFactory).</summary>
public partial class Program;
