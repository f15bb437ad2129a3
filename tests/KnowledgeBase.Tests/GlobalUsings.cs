global using KnowledgeBase.Contracts;
global using KnowledgeBase.Tests.Infrastructure;
global using Xunit;
