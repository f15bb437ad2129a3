global using KnowledgeBase.Contracts;
global using KnowledgeBase.LocalCluster;
global using KnowledgeBase.Tests.Infrastructure;
global using Xunit;
