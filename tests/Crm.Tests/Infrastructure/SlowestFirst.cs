using Xunit.Abstractions;

[assembly: Xunit.TestCollectionOrderer("Crm.Tests.Infrastructure.SlowestFirst", "Crm.Tests")]

namespace Crm.Tests.Infrastructure;

/// <summary>
/// Marks a test class that takes far longer than most (a sweep over every endpoint or form, for
/// every scope). The run is bound by the CPU, so what decides its length is mostly the tail: a
/// class of 100 seconds started last finishes alone while the other threads have nothing left.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SlowAttribute : Attribute;

/// <summary>
/// Starts the classes marked <see cref="SlowAttribute"/> before the others (the longest jobs
/// first, the usual remedy for a ragged end); the rest keep xUnit's own stable order.
/// </summary>
public sealed class SlowestFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => IsSlow(c) ? 0 : 1).ThenBy(c => c.UniqueID);

    // xUnit names a class's own collection after the class and does not say which classes a
    // collection holds; the slow classes are all in collections of their own.
    private static bool IsSlow(ITestCollection collection) =>
        collection.DisplayName.StartsWith(Prefix, StringComparison.Ordinal)
        && typeof(SlowestFirst).Assembly.GetType(collection.DisplayName[Prefix.Length..]) is { } type
        && type.IsDefined(typeof(SlowAttribute), inherit: false);

    private const string Prefix = "Test collection for ";
}
