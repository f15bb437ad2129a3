global using KnowledgeBase.BrowserTests.Infrastructure;
global using Microsoft.Playwright;
global using Xunit;
global using KnowledgeBase.Tests.Infrastructure;
global using KnowledgeBase.OpenAiStub;
