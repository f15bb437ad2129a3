using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Backup;

[Collection(ApiCollection.Name)]
public sealed class BackupEndpointTests(ApiFactory api)
{
    [Fact]
    public async Task Backups_are_admin_only_need_a_target_and_name_unknown_parts()
    {
        var user = await api.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PostAsJsonAsync("/api/admin/backups", new { })).StatusCode);

        var admin = await api.CreateAdminAsync();
        var status = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/backups");
        Assert.False(status.GetProperty("scheduled").GetBoolean());

        var unconfigured = await admin.Client.PostAsJsonAsync("/api/admin/backups", new { });
        Assert.Equal(HttpStatusCode.Conflict, unconfigured.StatusCode);
        Assert.Equal("backup_not_configured", (await unconfigured.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var unknown = await admin.Client.PostAsJsonAsync("/api/admin/backups", new { parts = "database,photos" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("photos", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }
}
