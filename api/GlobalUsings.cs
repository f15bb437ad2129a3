global using KnowledgeBase.Contracts;
global using Orleans;
