using Crm.Tests.Infrastructure;

namespace Crm.Tests.Gdpr;

/// <summary>One app shared by the tests of a class (xUnit needs a fixture with a single constructor).</summary>
public sealed class GdprApp : CrmApp;
