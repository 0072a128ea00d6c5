global using Integration.Tests.Infrastructure;
global using Xunit;
