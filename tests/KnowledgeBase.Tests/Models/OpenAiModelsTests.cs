using System.ClientModel;
using System.Diagnostics;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.OpenAiStub;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Models;

/// <summary>The OpenAI path end to end: our factory, the official SDK and Microsoft.Extensions.AI, against the local stub.</summary>
public sealed class OpenAiModelsTests
{
    private const string ApiKey = "sk-test-4f1c9a7e2b6d40c8a1f3e5d7b9c0a2e4";

    private static readonly ChatMessage[] Question =
    [
        new(ChatRole.System, "다음 출처만 사용해 답하세요.\n[1] 근로기준법 제60조: 1년간 80퍼센트 이상 출근한 근로자에게 15일의 유급휴가를 주어야 한다."),
        new(ChatRole.User, "연차휴가는 며칠인가요?"),
    ];

    private static OpenAiOptions OptionsFor(OpenAiStubServer stub, int maxRetries = 2) => new()
    {
        ApiKey = ApiKey,
        BaseUrl = stub.BaseUrl,
        MaxRetries = maxRetries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromSeconds(5),
        NetworkTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task Streaming_chat_yields_word_deltas_in_order_that_join_to_the_stub_answer()
    {
        await using var stub = await OpenAiStubServer.StartAsync();
        var chat = new OpenAiModelFactory(OptionsFor(stub)).CreateChatClient();

        var texts = new List<string>();
        await foreach (var update in chat.GetStreamingResponseAsync(Question))
            if (!string.IsNullOrEmpty(update.Text)) texts.Add(update.Text);

        var served = Assert.Single(stub.ChatRequests);
        Assert.True(served.Chat!.Stream);
        Assert.Equal(OpenAiStubServer.SplitIntoDeltas(served.AnswerText!), texts);
        Assert.Equal(served.AnswerText, string.Concat(texts));
        Assert.Contains("[1]", served.AnswerText);
    }

    [Fact]
    public async Task Streaming_chat_reads_usage_from_the_final_chunk()
    {
        await using var stub = await OpenAiStubServer.StartAsync();
        var chat = new OpenAiModelFactory(OptionsFor(stub)).CreateChatClient();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(Question)) updates.Add(update);

        var served = Assert.Single(stub.ChatRequests);
        // The SDK asks for usage itself; without stream_options.include_usage the server would send none.
        Assert.True(served.Chat!.IncludeUsage, "the SDK did not send stream_options.include_usage");
        var usageContent = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(served.Usage!.PromptTokens, usageContent.Details.InputTokenCount);
        Assert.Equal(served.Usage.CompletionTokens, usageContent.Details.OutputTokenCount);
        Assert.Equal(served.Usage.TotalTokens, usageContent.Details.TotalTokenCount);

        var response = updates.ToChatResponse();
        Assert.Equal(served.Usage.TotalTokens, response.Usage?.TotalTokenCount);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task Non_streaming_chat_returns_the_answer_and_usage()
    {
        await using var stub = await OpenAiStubServer.StartAsync();
        var chat = new OpenAiModelFactory(OptionsFor(stub)).CreateChatClient();

        var response = await chat.GetResponseAsync(Question);

        var served = Assert.Single(stub.ChatRequests);
        Assert.False(served.Chat!.Stream);
        Assert.Equal(served.AnswerText, response.Text);
        Assert.Equal(served.Usage!.PromptTokens, response.Usage?.InputTokenCount);
        Assert.Equal(served.Usage.CompletionTokens, response.Usage?.OutputTokenCount);
        Assert.Equal(served.Usage.TotalTokens, response.Usage?.TotalTokenCount);
        Assert.Equal("gpt-4o-mini", served.Chat.Model);
        Assert.Equal(["system", "user"], served.Chat.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Rate_limited_request_is_retried_and_succeeds()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FailFirst = 2 });
        var chat = new OpenAiModelFactory(OptionsFor(stub, maxRetries: 4)).CreateChatClient();

        var response = await chat.GetResponseAsync(Question);

        Assert.Equal([429, 429, 200], stub.ChatRequests.Select(r => r.StatusCode));
        Assert.Equal(stub.ChatRequests[^1].AnswerText, response.Text);
    }

    [Fact]
    public async Task Streaming_chat_is_retried_after_a_429_before_the_stream_starts()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FailFirst = 1 });
        var chat = new OpenAiModelFactory(OptionsFor(stub)).CreateChatClient();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(Question)) updates.Add(update);

        Assert.Equal([429, 200], stub.ChatRequests.Select(r => r.StatusCode));
        Assert.Equal(stub.ChatRequests[^1].AnswerText, updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task Retry_waits_as_long_as_Retry_After_asks()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FailFirst = 1, RetryAfterSeconds = 1 });
        var chat = new OpenAiModelFactory(OptionsFor(stub)).CreateChatClient();

        var clock = Stopwatch.StartNew();
        await chat.GetResponseAsync(Question);

        // The backoff alone would be ~10 ms; only the header explains a wait of a second.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(2, stub.ChatRequests.Count);
    }

    [Fact]
    public async Task Persistent_server_error_fails_with_the_status_after_the_configured_retries()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FailWith500 = int.MaxValue });
        var chat = new OpenAiModelFactory(OptionsFor(stub, maxRetries: 3)).CreateChatClient();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.GetResponseAsync(Question));

        Assert.Equal(500, error.Status);
        Assert.Contains("server had an error", error.Message);
        Assert.True(TransientErrors.IsTransient(error));
        Assert.Equal(1 + 3, stub.ChatRequests.Count);
    }

    [Fact]
    public async Task Zero_retries_means_one_try()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FailFirst = 1 });
        var chat = new OpenAiModelFactory(OptionsFor(stub, maxRetries: 0)).CreateChatClient();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.GetResponseAsync(Question));

        Assert.Equal(429, error.Status);
        Assert.Single(stub.ChatRequests);
    }

    [Fact]
    public async Task Embeddings_come_back_in_input_order_with_the_stub_dimension()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { EmbeddingDimensions = 48 });
        var embedder = new OpenAiModelFactory(OptionsFor(stub)).CreateEmbeddingGenerator();
        string[] inputs = ["연차휴가는 15일이다.", "퇴직금은 1년 이상 근무한 경우 지급한다.", "야간근로는 오후 10시부터 오전 6시까지이다."];

        var embeddings = await embedder.GenerateAsync(inputs);

        Assert.Equal(inputs.Length, embeddings.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(48, embeddings[i].Vector.Length);
            Assert.Equal(StubEmbeddings.Embed(inputs[i], 48), embeddings[i].Vector.ToArray());
        }
        var served = Assert.Single(stub.EmbeddingRequests);
        Assert.Equal("text-embedding-3-small", served.Embedding!.Model);
        Assert.Equal(inputs, served.Embedding.Inputs);
        Assert.Equal(served.Usage!.PromptTokens, (int?)embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task Embedding_dimensions_option_is_sent_to_the_server()
    {
        await using var stub = await OpenAiStubServer.StartAsync();
        var options = OptionsFor(stub);
        options.EmbeddingDimensions = 256;
        var embedder = new OpenAiModelFactory(options).CreateEmbeddingGenerator();

        var embedding = await embedder.GenerateAsync("연차휴가");

        Assert.Equal(256, embedding.Vector.Length);
        Assert.Equal(256, Assert.Single(stub.EmbeddingRequests).Embedding!.Dimensions);
    }

    [Fact]
    public async Task The_SDK_asks_for_base64_embeddings_and_decodes_them()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { EmbeddingDimensions = 8 });
        var embedder = new OpenAiModelFactory(OptionsFor(stub)).CreateEmbeddingGenerator();

        var embedding = await embedder.GenerateAsync("근로기준법");

        var served = Assert.Single(stub.EmbeddingRequests);
        Assert.Equal("base64", served.Embedding!.EncodingFormat);
        Assert.Equal(StubEmbeddings.Embed("근로기준법", 8), embedding.Vector.ToArray());
    }

    [Fact]
    public async Task Api_key_is_sent_as_a_bearer_token_but_never_logged()
    {
        // The stub refuses any other key, so success proves the header; HTTP logging is on to give the key every chance to leak.
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { ApiKey = ApiKey, FailFirst = 1 });
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        var options = OptionsFor(stub);
        options.LogHttpMessages = true;
        var factory = new OpenAiModelFactory(options, loggerFactory);

        await factory.CreateChatClient().GetResponseAsync(Question);
        await foreach (var _ in factory.CreateChatClient().GetStreamingResponseAsync(Question)) { }
        await factory.CreateEmbeddingGenerator().GenerateAsync("연차");

        Assert.All(stub.Requests, r => Assert.Equal("Bearer " + ApiKey, r.Authorization));
        Assert.Contains(logs.Lines, l => l.Contains("retry 1 of 2", StringComparison.Ordinal));
        // The SDK's own HTTP log ran and redacted the header.
        Assert.Contains(logs.Lines, l => l.Contains("Authorization:REDACTED", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(ApiKey, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(ApiKey[..12], StringComparison.Ordinal));
        Assert.DoesNotContain(ApiKey, options.ToString());
    }

    [Fact]
    public async Task Wrong_api_key_fails_with_401_and_is_not_retried()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { ApiKey = "sk-the-right-one" });
        var chat = new OpenAiModelFactory(OptionsFor(stub)).CreateChatClient();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.GetResponseAsync(Question));

        Assert.Equal(401, error.Status);
        Assert.False(TransientErrors.IsTransient(error));
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData("/v1", "")]
    [InlineData("/compat/openai/v1", "")]
    [InlineData("/compat/openai/v1", "/")]
    public async Task Base_url_is_honoured_including_its_path(string pathBase, string suffix)
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { PathBase = pathBase });
        var options = OptionsFor(stub);
        options.BaseUrl = stub.BaseUrl + suffix;
        var factory = new OpenAiModelFactory(options);

        await factory.CreateChatClient().GetResponseAsync(Question);
        await factory.CreateEmbeddingGenerator().GenerateAsync("연차");

        Assert.Equal([pathBase + "/chat/completions", pathBase + "/embeddings"], stub.Requests.Select(r => r.Path));
        Assert.All(stub.Requests, r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task Network_timeout_bounds_the_wait_for_a_stalled_stream()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FirstTokenDelay = TimeSpan.FromSeconds(10) });
        var options = OptionsFor(stub, maxRetries: 0);
        options.NetworkTimeout = TimeSpan.FromMilliseconds(500);
        var chat = new OpenAiModelFactory(options).CreateChatClient();

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in chat.GetStreamingResponseAsync(Question)) { }
        });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"gave up after {clock.ElapsedMilliseconds} ms");
        Assert.True(TransientErrors.IsTransient(error), $"{error.GetType().Name} is not seen as transient: {error}");
    }

    [Fact]
    public async Task Timed_out_request_is_retried_then_reported_as_transient()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FirstTokenDelay = TimeSpan.FromSeconds(10) });
        var options = OptionsFor(stub, maxRetries: 1);
        options.NetworkTimeout = TimeSpan.FromMilliseconds(300);
        var chat = new OpenAiModelFactory(options).CreateChatClient();

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => chat.GetResponseAsync(Question));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"gave up after {clock.ElapsedMilliseconds} ms");
        Assert.True(TransientErrors.IsTransient(error), $"{error.GetType().Name} is not seen as transient: {error}");
        Assert.Equal(2, stub.RequestCount);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_transient()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FirstTokenDelay = TimeSpan.FromSeconds(10) });
        var chat = new OpenAiModelFactory(OptionsFor(stub)).CreateChatClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chat.GetResponseAsync(Question, cancellationToken: cancel.Token));

        Assert.False(TransientErrors.IsTransient(error), error.ToString());
        Assert.False(TransientErrors.IsTransient(error, cancel.Token));
        Assert.Equal(1, stub.RequestCount);
    }

    [Fact]
    public async Task Paced_stream_takes_about_as_long_as_its_tokens_per_second()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions
        {
            Responder = _ => "하나 둘 셋 넷 다섯 여섯 일곱 여덟 아홉 열 열하나",
            FirstTokenDelay = TimeSpan.FromMilliseconds(100),
            TokensPerSecond = 50,
        });
        var chat = new OpenAiModelFactory(OptionsFor(stub)).CreateChatClient();

        var clock = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        await foreach (var update in chat.GetStreamingResponseAsync(Question))
            if (!string.IsNullOrEmpty(update.Text)) firstToken ??= clock.Elapsed;

        // 100 ms to the first token, then 10 gaps of 20 ms.
        Assert.InRange(firstToken!.Value.TotalMilliseconds, 90, 2000);
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 280, 3000);
    }

    [Fact]
    public async Task AddOpenAiModels_registers_a_chat_client_and_an_embedding_generator()
    {
        await using var stub = await OpenAiStubServer.StartAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddOpenAiModels(OptionsFor(stub));
        await using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IChatClient>();
        var embedder = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var answer = await chat.GetResponseAsync(Question);
        var vector = await embedder.GenerateAsync("연차");

        Assert.False(string.IsNullOrEmpty(answer.Text));
        Assert.Equal(1536, vector.Vector.Length);
        Assert.Same(provider.GetRequiredService<OpenAiModelFactory>(), provider.GetRequiredService<OpenAiModelFactory>());
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public void AddOpenAiModels_refuses_settings_without_a_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddOpenAiModels(new OpenAiOptions()));
        Assert.Contains("OPENAI_API_KEY", error.Message);
    }

    [Fact]
    public void Options_bind_from_the_OPENAI_variables_with_defaults()
    {
        var env = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = ApiKey,
            ["OPENAI_BASE_URL"] = "http://127.0.0.1:9999/v1",
            ["OPENAI_TIMEOUT_SECONDS"] = "12.5",
        };

        var options = OpenAiOptions.FromLookup(name => env.GetValueOrDefault(name));

        Assert.Equal(ApiKey, options.ApiKey);
        Assert.Equal("http://127.0.0.1:9999/v1", options.BaseUrl);
        Assert.Equal("gpt-4o-mini", options.ChatModel);
        Assert.Equal("text-embedding-3-small", options.EmbeddingModel);
        Assert.Equal(TimeSpan.FromSeconds(12.5), options.NetworkTimeout);
        Assert.Equal(4, options.MaxRetries);
        Assert.Empty(options.Validate());
        Assert.DoesNotContain(ApiKey, options.ToString());
    }

    [Theory]
    [InlineData("OPENAI_BASE_URL", "127.0.0.1:9999/v1", "OPENAI_BASE_URL")]
    [InlineData("OPENAI_MAX_RETRIES", "-1", "OPENAI_MAX_RETRIES")]
    [InlineData("OPENAI_TIMEOUT_SECONDS", "0", "OPENAI_TIMEOUT_SECONDS")]
    public void Invalid_settings_name_the_variable(string name, string value, string expected)
    {
        var env = new Dictionary<string, string> { ["OPENAI_API_KEY"] = ApiKey, [name] = value };

        var errors = OpenAiOptions.FromLookup(n => env.GetValueOrDefault(n)).Validate();

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Unparsable_numbers_name_the_variable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OpenAiOptions.FromLookup(n => n == "OPENAI_MAX_RETRIES" ? "four" : null));
        Assert.Contains("OPENAI_MAX_RETRIES", error.Message);
    }
}
