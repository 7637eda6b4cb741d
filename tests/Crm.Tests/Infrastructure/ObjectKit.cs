using Crm.Web.Features.Deals;
using Crm.Web.Features.Leads;
using Crm.Web.Features.LoggedEmails;
using Crm.Web.Features.Products;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Infrastructure;

/// <summary>Deals, leads, products and logged emails straight in the database, and grants for their modules.</summary>
public static class ObjectKit
{
    public static readonly string[] Modules =
    [
        CrmModules.Companies.Key, CrmModules.Contacts.Key, CrmModules.Leads.Key, CrmModules.Deals.Key, CrmModules.Products.Key, CrmModules.Emails.Key,
    ];

    /// <summary>Every standard action on companies, contacts, leads, deals, products and emails (and company transfer) with one scope.</summary>
    public static (string, string, Scope)[] Everything(Scope scope) =>
    [
        .. Modules.SelectMany(m => PermissionAction.Standard.Select(a => (m, a, scope))),
        (CrmModules.Companies.Key, PermissionAction.Transfer, scope),
    ];

    public static Task<int> DealAsync(CrmApp app, string title, Guid ownerId, int? departmentId, int? companyId = null, int? contactId = null,
        string stage = DealStages.New, long amount = 0, string currency = "EUR") =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var deal = new Deal
            {
                Title = title, OwnerId = ownerId, DepartmentId = departmentId, CompanyId = companyId, ContactId = contactId, Stage = stage,
                Amount = amount, Currency = currency, ClosingReason = DealStages.IsClosed(stage) ? "Decided" : null, CreatedAt = now, ModifiedAt = now, Version = 1,
            };
            db.Deals.Add(deal);
            await db.SaveChangesAsync();
            return deal.Id;
        });

    public static Task<int> LeadAsync(CrmApp app, string first, string last, string? companyName, Guid ownerId, int? departmentId, string? email = null) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var lead = new Lead
            {
                FirstName = first, LastName = last, CompanyName = companyName, Email = email, OwnerId = ownerId, DepartmentId = departmentId,
                Source = LeadSources.Web, Status = LeadStatuses.Qualified, CreatedAt = now, ModifiedAt = now, Version = 1,
            };
            db.Leads.Add(lead);
            await db.SaveChangesAsync();
            return lead.Id;
        });

    public static Task<int> ProductAsync(CrmApp app, string code, string name, Guid ownerId, int? departmentId, long price = 1000) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var product = new Product
            {
                Code = code, CodeKey = code.ToLowerInvariant(), Name = name, Price = price, Currency = "EUR", OwnerId = ownerId, DepartmentId = departmentId,
                CreatedAt = now, ModifiedAt = now, Version = 1,
            };
            db.Products.Add(product);
            await db.SaveChangesAsync();
            return product.Id;
        });

    public static Task<int> EmailAsync(CrmApp app, string subject, Guid ownerId, int? departmentId, string? relatedModule = null, int? relatedId = null,
        string direction = EmailDirections.Outgoing, string body = "Hello") =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var email = new LoggedEmail
            {
                Subject = subject, Direction = direction, From = "sales@crm.test", To = "buyer@example.com", Body = body, SentAt = now,
                RelatedModule = relatedModule, RelatedId = relatedId, OwnerId = ownerId, DepartmentId = departmentId, CreatedAt = now, ModifiedAt = now, Version = 1,
            };
            db.LoggedEmails.Add(email);
            await db.SaveChangesAsync();
            return email.Id;
        });

    /// <summary>What the module's lookup (global search and links) finds for this user.</summary>
    public static async Task<List<string>> LookupAsync(CrmApp app, Guid userId, string module, string text)
    {
        using var scope = app.Services.CreateScope();
        var lookups = scope.ServiceProvider.GetRequiredService<RecordLookups>();
        var found = await lookups.Of(module)!.SearchAsync(new Actor(ActorKind.User, userId, false, "test"), text, 50, CancellationToken.None);
        return [.. found.Select(f => f.Label).Order(StringComparer.Ordinal)];
    }
}
