using KnowledgeBase.OpenAiStub;

namespace KnowledgeBase.Tests.Api;

/// <summary>The api with OPENAI_API_KEY and OPENAI_BASE_URL pointing at the local OpenAI-compatible stub, and the labor
/// standards act uploaded. Subclasses choose how the stub answers and the api's model settings.</summary>
public abstract class StubbedModelFixture : IAsyncLifetime
{
    public OpenAiStubServer Stub { get; private set; } = null!;
    public ApiFactory Api { get; private set; } = null!;

    protected abstract OpenAiStubOptions StubOptions();

    /// <summary>The api's settings besides OPENAI_BASE_URL.</summary>
    protected abstract Dictionary<string, string?> ModelSettings();

    public async Task InitializeAsync()
    {
        Stub = await OpenAiStubServer.StartAsync(StubOptions());
        var settings = ModelSettings();
        settings["OPENAI_BASE_URL"] = Stub.BaseUrl;
        Api = new StubbedApiFactory(settings);
        var user = await Api.CreateUserAsync();
        await Documents.UploadAndWaitAsync(user.Client, TestData.LaborLaw("labor-standards-act.md"));
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Stub.DisposeAsync();
    }

    private sealed class StubbedApiFactory(Dictionary<string, string?> settings) : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => settings;
    }
}
