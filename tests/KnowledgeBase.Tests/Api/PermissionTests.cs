using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Api;

/// <summary>The api with UPLOAD_POLICY=editors (the default) and three collections: the default one (everyone reads),
/// 인사 (group 인사팀 reads, the editor edits) and 임원 (admins only). Each holds one document with a marker that must never
/// reach someone who may not read it.</summary>
public sealed class PermissionFixture : IAsyncLifetime
{
    public const string PublicMark = "PUBLICMARK", HrMark = "HRSECRET7731", ExecMark = "EXECSECRET4410";

    public Factory Api { get; } = new();
    public TestUser Admin { get; private set; } = null!;
    public TestUser Editor { get; private set; } = null!;
    public TestUser MemberA { get; private set; } = null!;
    public TestUser Member { get; private set; } = null!;
    public string GroupA { get; private set; } = "";
    public string Hr { get; private set; } = "";
    public string Exec { get; private set; } = "";
    public Dictionary<string, (string DocumentId, string Mark, string Question)> Docs { get; } = [];

    public sealed class Factory : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["UPLOAD_POLICY"] = "editors",
            ["RATE_LIMIT_PER_MINUTE"] = "100000",
        };
    }

    public async Task InitializeAsync()
    {
        Admin = await Api.CreateAdminAsync();
        Editor = await Api.CreateUserAsync(displayName: "편집자");
        MemberA = await Api.CreateUserAsync(displayName: "인사팀원");
        Member = await Api.CreateUserAsync(displayName: "일반직원");
        await Ok(Admin.Client.PutAsJsonAsync($"/api/admin/users/{Editor.UserId}/role", new { role = "editor" }));
        // A role change ends the user's sessions; the editor signs in again.
        Editor = await Api.CreateUserAsync(Editor.Email, "편집자");
        GroupA = (await Json(Admin.Client.PostAsJsonAsync("/api/admin/groups", new { name = "인사팀" }))).GetProperty("groupId").GetString()!;
        await Ok(Admin.Client.PutAsJsonAsync($"/api/admin/groups/{GroupA}/members", new { userIds = new[] { MemberA.UserId } }));
        Hr = await CreateCollectionAsync(Admin, "인사", new { groups = new[] { GroupA } }, new { users = new[] { Editor.UserId } });
        Exec = await CreateCollectionAsync(Admin, "임원", new { everyone = false }, new { users = Array.Empty<string>() });

        Docs[DefaultCollection.Id] = (await UploadAsync(Admin, DefaultCollection.Id, "cafeteria.md",
            $"# 구내식당 안내\n\n구내식당은 평일 오전 11시 30분부터 운영한다. 식당 확인코드 {PublicMark} 이다."), PublicMark, "구내식당은 몇 시부터 운영하나요?");
        Docs[Hr] = (await UploadAsync(Admin, Hr, "salary.md",
            $"# 급여 테이블\n\n2026년 직급별 급여 테이블의 부장 급여는 연 9천만원이다. 급여 확인코드 {HrMark} 이다."), HrMark, "부장 급여 테이블은 얼마인가요?");
        Docs[Exec] = (await UploadAsync(Admin, Exec, "board.md",
            $"# 이사회 회의록\n\n이사회는 인수합병 계약을 의결하였다. 회의록 확인코드 {ExecMark} 이다."), ExecMark, "이사회가 의결한 인수합병 계약은?");
    }

    public static async Task<string> CreateCollectionAsync(TestUser admin, string name, object readers, object editors)
        => (await Json(admin.Client.PostAsJsonAsync("/api/collections", new { name, readers, editors }))).GetProperty("collectionId").GetString()!;

    public static async Task<string> UploadAsync(TestUser user, string collectionId, string fileName, string text)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "file", fileName },
            { new StringContent(collectionId), "collectionId" },
        };
        var response = await user.Client.PostAsync("/api/documents", form);
        Assert.True(response.IsSuccessStatusCode, $"upload {fileName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;
        await Documents.WaitForStatusAsync(user.Client, id, "ready");
        return id;
    }

    public static async Task<JsonElement> Json(Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task Ok(Task<HttpResponseMessage> request) => await Json(request);

    public Task DisposeAsync()
    {
        Api.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class PermissionTests(PermissionFixture f, ITestOutputHelper output) : IClassFixture<PermissionFixture>
{
    private const string AllQuestion = "구내식당 급여 테이블 이사회 인수합병 확인코드";

    /// <summary>Who may read (R) and change (C) each collection: admin all; the editor reads the default and 인사 (its edit
    /// list) and changes 인사; the member of 인사팀 reads the default and 인사; the member of no group reads the default.</summary>
    private (bool Read, bool Change) Expected(TestUser user, string collection)
    {
        if (user == f.Admin) return (true, true);
        if (collection == DefaultCollection.Id) return (true, false);
        if (collection == f.Hr) return (user == f.Editor || user == f.MemberA, user == f.Editor);
        return (false, false);
    }

    private IEnumerable<TestUser> Users => [f.Admin, f.Editor, f.MemberA, f.Member];

    [Fact]
    public async Task Every_path_gives_each_user_exactly_the_documents_they_may_read_and_change()
    {
        foreach (var user in Users)
        {
            var listed = (await user.Client.GetFromJsonAsync<JsonElement>("/api/documents"))
                .GetProperty("items").EnumerateArray().Select(d => d.GetProperty("documentId").GetString()).ToHashSet();
            var everything = await SearchTextAsync(user, AllQuestion);
            foreach (var (collection, (id, mark, question)) in f.Docs)
            {
                var (read, change) = Expected(user, collection);
                var who = $"{user.Email} / {collection}";
                output.WriteLine($"{who}: read={read} change={change}");
                Assert.True(read == listed.Contains(id), $"{who}: document list");
                Assert.Equal(read ? HttpStatusCode.OK : HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/documents/{id}")).StatusCode);
                var content = await user.Client.GetAsync($"/api/documents/{id}/content");
                Assert.Equal(read ? HttpStatusCode.OK : HttpStatusCode.NotFound, content.StatusCode);
                Assert.Equal(read, (await content.Content.ReadAsStringAsync()).Contains(mark));
                Assert.True(read == everything.Contains(mark), $"{who}: search");
                Assert.True(read == (await SearchTextAsync(user, question)).Contains(mark), $"{who}: search for its own question");

                var answer = await ChatAsync(user, question);
                Assert.True(read == answer.Contains(mark), $"{who}: chat answer and sources");

                var denied = read ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;
                Assert.Equal(change ? HttpStatusCode.Accepted : denied, (await user.Client.PostAsync($"/api/documents/{id}/reindex", null)).StatusCode);
                if (change) await Documents.WaitForStatusAsync(user.Client, id, "ready");
                if (!change)
                {
                    Assert.Equal(denied, (await user.Client.DeleteAsync($"/api/documents/{id}")).StatusCode);
                    using var replacement = new MultipartFormDataContent { { new ByteArrayContent("바꿔치기"u8.ToArray()), "file", "x.md" } };
                    Assert.Equal(denied, (await user.Client.PutAsync($"/api/documents/{id}", replacement)).StatusCode);
                    Assert.Equal(denied, (await user.Client.PutAsJsonAsync($"/api/documents/{id}/collection", new { collectionId = DefaultCollection.Id })).StatusCode);
                }
            }
            var admin = user == f.Admin ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
            foreach (var path in new[] { "/api/admin/feedback", "/api/admin/metrics", "/api/admin/usage", "/api/admin/groups" })
                Assert.True(admin == (await user.Client.GetAsync(path)).StatusCode, $"{user.Email}: {path}");
        }
    }

    [Fact]
    public async Task Members_may_not_upload_under_the_editors_policy_and_editors_only_into_collections_they_edit()
    {
        var member = await Documents.UploadAsync(f.MemberA.Client, "member.md", "구성원 업로드 시도"u8.ToArray());
        Assert.Equal(HttpStatusCode.Forbidden, member.StatusCode);
        using var intoDefault = new MultipartFormDataContent { { new ByteArrayContent("편집자 업로드"u8.ToArray()), "file", "e.md" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await f.Editor.Client.PostAsync("/api/documents", intoDefault)).StatusCode);
        using var intoExec = new MultipartFormDataContent { { new ByteArrayContent("편집자 업로드"u8.ToArray()), "file", "e.md" }, { new StringContent(f.Exec), "collectionId" } };
        Assert.Equal(HttpStatusCode.NotFound, (await f.Editor.Client.PostAsync("/api/documents", intoExec)).StatusCode);
        var id = await PermissionFixture.UploadAsync(f.Editor, f.Hr, "editor.md", "편집자가 올린 인사 공지 문서");
        var collections = await f.Member.Client.GetFromJsonAsync<JsonElement>("/api/collections");
        Assert.Equal([DefaultCollection.Id], collections.EnumerateArray().Select(c => c.GetProperty("collectionId").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await f.Member.Client.GetAsync($"/api/collections/{f.Hr}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await f.Editor.Client.DeleteAsync($"/api/documents/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_reopened_conversation_withholds_sources_the_user_may_no_longer_read_and_the_answer_built_on_them()
    {
        var reader = await f.Api.CreateUserAsync(displayName: "전보자");
        var group = (await PermissionFixture.Json(f.Admin.Client.PostAsJsonAsync("/api/admin/groups", new { name = "전보팀" }))).GetProperty("groupId").GetString()!;
        await f.Admin.Client.PutAsJsonAsync($"/api/admin/groups/{group}/members", new { userIds = new[] { reader.UserId } });
        var collection = await PermissionFixture.CreateCollectionAsync(f.Admin, "전보", new { groups = new[] { group } }, new { users = Array.Empty<string>() });
        await PermissionFixture.UploadAsync(f.Admin, collection, "transfer.md", "# 전보 명단\n\n하반기 전보 대상자는 확인코드 TRANSFER5521 로 관리한다.");
        var asked = await PermissionFixture.Json(reader.Client.PostAsJsonAsync("/api/chat", new { question = "하반기 전보 대상자 확인코드는?" }));
        Assert.Contains("TRANSFER5521", asked.GetRawText());
        var conversation = asked.GetProperty("conversationId").GetString();

        await f.Admin.Client.PutAsJsonAsync($"/api/admin/groups/{group}/members", new { userIds = Array.Empty<string>() });
        var reopened = await reader.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation}");
        Assert.DoesNotContain("TRANSFER5521", reopened.GetRawText());
        var source = reopened.GetProperty("turns")[0].GetProperty("sources")[0];
        Assert.True(source.GetProperty("withheld").GetBoolean());
        Assert.Contains("숨겼습니다", reopened.GetProperty("turns")[0].GetProperty("answer").GetString());

        // The follow-up's prompt carries no withheld text either.
        var followUp = await PermissionFixture.Json(reader.Client.PostAsJsonAsync("/api/chat", new { question = "그 확인코드를 다시 알려줘", conversationId = conversation }));
        Assert.DoesNotContain("TRANSFER5521", followUp.GetRawText());
    }

    [Fact]
    public async Task A_role_change_ends_the_users_sessions_and_the_new_role_applies_at_the_next_sign_in()
    {
        var second = await f.Api.CreateUserAsync(displayName: "임시 관리자");
        await f.Admin.Client.PutAsJsonAsync($"/api/admin/users/{second.UserId}/role", new { role = "admin" });
        // The change ended the session the user had; signed in again, they have the console.
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.Client.GetAsync("/api/auth/me")).StatusCode);
        second = await f.Api.CreateUserAsync(second.Email);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/api/admin/groups")).StatusCode);
        Assert.Equal("admin", (await second.Client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString());
        await f.Admin.Client.PutAsJsonAsync($"/api/admin/users/{second.UserId}/role", new { role = "member" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.Client.GetAsync("/api/admin/groups")).StatusCode);
        second = await f.Api.CreateUserAsync(second.Email);
        Assert.Equal(HttpStatusCode.Forbidden, (await second.Client.GetAsync("/api/admin/groups")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await f.Admin.Client.PutAsJsonAsync($"/api/admin/users/{second.UserId}/role", new { role = "owner" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await f.Admin.Client.PutAsJsonAsync("/api/admin/users/usr_nobody/role", new { role = "editor" })).StatusCode);
    }

    [Fact]
    public async Task Lists_that_would_grant_editing_to_everyone_or_name_empty_ids_are_refused_and_change_nothing()
    {
        var before = (await f.Admin.Client.GetFromJsonAsync<JsonElement>("/api/collections")).GetRawText();
        async Task Refused(Task<HttpResponseMessage> request)
        {
            var response = await request;
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        await Refused(f.Admin.Client.PostAsJsonAsync("/api/collections",
            new { name = "모두편집", readers = new { everyone = true }, editors = new { everyone = true } }));
        await Refused(f.Admin.Client.PatchAsJsonAsync($"/api/collections/{f.Hr}", new { editors = new { everyone = true } }));
        await Refused(f.Admin.Client.PatchAsJsonAsync($"/api/collections/{f.Hr}", new { readers = new { groups = new string?[] { null } } }));
        await Refused(f.Admin.Client.PatchAsJsonAsync($"/api/collections/{f.Hr}", new { editors = new { users = new[] { " " } } }));
        await Refused(f.Admin.Client.PutAsJsonAsync($"/api/admin/groups/{f.GroupA}/members", new { userIds = new string?[] { f.MemberA.UserId, null } }));
        Assert.Equal(before, (await f.Admin.Client.GetFromJsonAsync<JsonElement>("/api/collections")).GetRawText());
        // The group kept its member: 인사팀's reader still finds the 인사 document.
        Assert.Contains(PermissionFixture.HrMark, await SearchTextAsync(f.MemberA, f.Docs[f.Hr].Question));
    }

    /// <summary>Lists, memberships and a document's collection change at random between searches and chats (the same
    /// question asked by a reader first, so answers come from the cache too); nothing the member may not read at that
    /// moment ever reaches them.</summary>
    [Fact]
    public async Task Random_permission_changes_never_let_unreadable_text_through_any_path()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var user = await f.Api.CreateUserAsync(displayName: "무작위");
        var group = (await PermissionFixture.Json(f.Admin.Client.PostAsJsonAsync("/api/admin/groups", new { name = "무작위팀" }))).GetProperty("groupId").GetString()!;
        var open = await PermissionFixture.CreateCollectionAsync(f.Admin, "무작위 열림", new { groups = new[] { group } }, new { users = Array.Empty<string>() });
        var closed = await PermissionFixture.CreateCollectionAsync(f.Admin, "무작위 닫힘", new { everyone = false }, new { users = Array.Empty<string>() });
        const string mark = "RANDOMSECRET9090", question = "분기 감사 결과 확인코드는 무엇인가요?";
        var doc = await PermissionFixture.UploadAsync(f.Admin, open, "audit.md", $"# 분기 감사 결과\n\n분기 감사 결과 확인코드는 {mark} 이다.");
        var (inGroup, everyone, location) = (false, false, open);
        var leaks = new List<string>();

        for (var step = 0; step < 24; step++)
        {
            switch (random.Next(3))
            {
                case 0:
                    inGroup = !inGroup;
                    await f.Admin.Client.PutAsJsonAsync($"/api/admin/groups/{group}/members", new { userIds = inGroup ? new[] { user.UserId } : [] });
                    break;
                case 1:
                    everyone = !everyone;
                    await f.Admin.Client.PatchAsJsonAsync($"/api/collections/{open}", new { readers = new { everyone, groups = new[] { group } } });
                    break;
                default:
                    location = location == open ? closed : open;
                    Assert.Equal(HttpStatusCode.OK, (await f.Admin.Client.PutAsJsonAsync($"/api/documents/{doc}/collection", new { collectionId = location })).StatusCode);
                    break;
            }
            var readable = location == open && (inGroup || everyone);
            // A reader asks first, so the member's identical question may meet a cached answer.
            await f.Admin.Client.PostAsJsonAsync("/api/chat", new { question });
            var chat = await (await user.Client.PostAsJsonAsync("/api/chat", new { question })).Content.ReadAsStringAsync();
            var search = await SearchTextAsync(user, question);
            var download = await user.Client.GetAsync($"/api/documents/{doc}/content");
            var state = $"step {step}: inGroup={inGroup} everyone={everyone} location={(location == open ? "open" : "closed")}";
            if (!readable)
            {
                if (chat.Contains(mark)) leaks.Add($"{state}: chat");
                if (search.Contains(mark)) leaks.Add($"{state}: search");
                if (download.StatusCode != HttpStatusCode.NotFound) leaks.Add($"{state}: download {(int)download.StatusCode}");
            }
            else
            {
                Assert.True(search.Contains(mark), $"{state}: a readable document must be found");
                Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            }
        }
        Assert.Empty(leaks);
    }

    private static async Task<string> SearchTextAsync(TestUser user, string query)
    {
        var response = await user.Client.PostAsJsonAsync("/api/search", new { query, topK = 10 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> ChatAsync(TestUser user, string question)
    {
        var response = await user.Client.PostAsJsonAsync("/api/chat", new { question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
