using System.Collections.Concurrent;
using Integration.Orchestrations.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.UnitTests.Orchestrations;

/// <summary>
/// An orchestration of the hub in process (Microsoft.DurableTask.InProcessTestHost, the hub's data converter, no
/// storage) whose activity is its machine alone: each event the activity applied and the state after it, in order.
/// </summary>
internal sealed class AppliedEvents<TInput, TState> where TState : class
{
    public ConcurrentQueue<(string Event, TState? State)> Applied { get; } = new();

    /// <summary>A host running <typeparamref name="TOrchestrator"/> with the activity <paramref name="activity"/> applying an input by <paramref name="apply"/>.</summary>
    public Task<DurableTaskTestHost> StartAsync<TOrchestrator>(string activity, Func<TInput, (string Event, TState? After)> apply)
        where TOrchestrator : class, ITaskOrchestrator =>
        InProcessHost.StartAsync(registry =>
        {
            registry.AddOrchestrator<TOrchestrator>();
            registry.AddActivityFunc<TInput, TState?>(activity, (_, input) =>
            {
                var (e, after) = apply(input);
                Applied.Enqueue((e, after));
                return Task.FromResult(after);
            });
        });

    /// <summary>The state once an applied event left it so.</summary>
    public async Task<TState> WaitForAsync(Func<TState, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Applied.LastOrDefault().State is { } state && condition(state)) return state;
            await Task.Delay(100);
        }
        throw new TimeoutException("Applied: " + string.Join(", ", Applied.Select(a => a.Event)));
    }
}

/// <summary>An in-process Durable Task host (no storage) with the hub's data converter, running what <c>register</c> adds.</summary>
internal static class InProcessHost
{
    public static Task<DurableTaskTestHost> StartAsync(Action<DurableTaskRegistry> register) =>
        DurableTaskTestHost.StartAsync(register, new DurableTaskTestHostOptions
        {
            ConfigureServices = services =>
            {
                services.Configure<DurableTaskWorkerOptions>(o => o.DataConverter = HubDataConverter.Instance);
                services.Configure<DurableTaskClientOptions>(o => o.DataConverter = HubDataConverter.Instance);
            },
        });
}
