using Crm.Tests.Infrastructure;

namespace Crm.Tests.CustomFields;

/// <summary>One app for a custom fields test class: each test adds fields under keys of its own.</summary>
public sealed class CustomFieldsApp : CrmApp;
