using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Help;
using Crm.Web.Features.Memos;
using Crm.Web.Features.Users;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Records;

/// <summary>
/// Every CRM object (every entity type of the model that derives from <see cref="OwnedRecord"/>)
/// has each registration the kit relies on. The objects come from the model, not from a list
/// here, so a new object that forgets one fails with the name of what it forgot.
/// </summary>
public sealed class ObjectRegistrationTests
{
    /// <summary>
    /// Records that hang on another record but are not removed through an <see cref="IRecordDependents"/>
    /// registration, and why. Anything else that hangs on a record needs one.
    /// </summary>
    private static readonly Dictionary<Type, string> s_dependentsHandledElsewhere = new()
    {
        [typeof(Contact)] = "the company's own delete takes its contacts (DeleteCompany lists and removes them)",
        [typeof(Memo)] = "a memo is not deleted with the record it is about",
    };

    /// <summary>
    /// Gaps found by this test and not fixed yet: each must still be a gap (fixing one fails here
    /// until its line goes), so the list cannot hide a new omission or outlive its fix.
    /// </summary>
    private static readonly HashSet<(Type Record, string Registration)> s_knownGaps = [];

    [Fact]
    public async Task Every_crm_object_has_the_registrations_the_kit_needs()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CrmDb>();
        var catalog = services.GetRequiredService<PermissionCatalog>();
        var lookups = services.GetServices<IRecordLookup>().ToList();
        var dependents = services.GetServices<IRecordDependents>().Select(d => d.ModuleKey).ToHashSet();
        var ownerMoves = services.GetServices<OwnedRecords>().ToList();
        var helpTopics = HelpTopics.All.Concat(services.GetServices<HelpTopic>()).Select(t => t.Key).ToHashSet();
        var sections = services.GetServices<Section>().ToList();
        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Endpoint: e)).ToList();
        AuditNames.LearnModules(lookups);

        var objects = db.Model.GetEntityTypes().Where(t => typeof(OwnedRecord).IsAssignableFrom(t.ClrType) && !t.ClrType.IsAbstract).ToList();
        Assert.True(objects.Count >= 9, $"only {objects.Count} CRM objects found in the model");

        var missing = new List<string>();
        foreach (var entity in objects)
        {
            var type = entity.ClrType;
            // The module of a record type: what its lookup (or else its owner moves) declares.
            var lookup = lookups.FirstOrDefault(l => RecordTypeOf(l) == type);
            var moves = ownerMoves.FirstOrDefault(o => o.RecordType == type);
            var key = lookup?.ModuleKey ?? moves?.Title;
            if (key is null)
            {
                missing.Add($"{type.Name}: neither a lookup (AddRecordLookup of an OwnedRecordLookup<{type.Name}>) nor owner moves (AddOwnerMoves<{type.Name}>) say its module");
                continue;
            }

            void Check(string registration, bool present, string what)
            {
                var known = s_knownGaps.Contains((type, registration));
                if (present && known)
                {
                    missing.Add($"{type.Name} ({key}): {registration} is fixed now; remove it from the known gaps");
                }
                else if (!present && !known)
                {
                    missing.Add($"{type.Name} ({key}): {what}");
                }
            }

            Check("permission module", catalog.Modules.Any(m => m.Key == key), $"no permission module '{key}' (the feature's Modules)");
            Check("search lookup", lookups.Any(l => l.ModuleKey == key), "no IRecordLookup (AddRecordLookup)");
            Check("history", AuditNames.EntityType(type) == key, $"the audit names it '{AuditNames.EntityType(type)}', so its history page is empty");
            Check("owner moves", ownerMoves.Any(o => o.Title == key && o.RecordType == type), "deleting a user does not hand these records over (AddOwnerMoves)");
            Check("help topic", helpTopics.Contains(key), $"no help topic '{key}' (AddHelpTopic)");
            Check("section", sections.Any(s => s.Module == key || s.Url == "/" + key), "no home-page section (AddSection)");

            Check("delete page", endpoints.Any(e => e.Route == $"/{key}/{{id:int}}/delete")
                || services.GetKeyedService<IRecordDeletion<OwnedRecordDeleteImpact>>(key) is not null,
                $"no delete confirmation: neither a page of its own at /{key}/{{id}}/delete nor the shared one (AddOwnedRecordDeletion)");
            var api = endpoints.Where(e => e.Route.StartsWith($"/api/v1/{key}", StringComparison.Ordinal)).ToList();
            Check("api", api.Count > 0, $"no endpoints under /api/v1/{key}");
            Check("api authorization", api.All(e => e.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0
                && e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null), $"an endpoint under /api/v1/{key} has no authorization");

            var hangs = entity.GetForeignKeys().Any(f => f.PrincipalEntityType.ClrType != type
                    && typeof(OwnedRecord).IsAssignableFrom(f.PrincipalEntityType.ClrType)
                    && f.DeleteBehavior is not (DeleteBehavior.SetNull or DeleteBehavior.ClientSetNull))
                || entity.FindProperty("RelatedModule") is not null;
            if (hangs && !s_dependentsHandledElsewhere.ContainsKey(type))
            {
                Check("delete dependents", dependents.Contains(key), "hangs on other records but is not deleted with them (AddRecordDependents)");
            }
        }

        Assert.True(missing.Count == 0, "Registrations missing:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_feature_of_the_assembly_is_in_the_feature_list_once()
    {
        var listed = FeatureList.All.Select(f => f.GetType()).ToList();
        var written = typeof(ICrmFeature).Assembly.GetTypes()
            .Where(t => typeof(ICrmFeature).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false }).ToList();

        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Empty(written.Except(listed).Select(t => t.FullName));
    }

    [Fact]
    public void The_catalogue_keeps_the_order_of_the_grant_matrix()
    {
        // The features register their modules in the feature list's order; the matrix keeps its own.
        Assert.Equal(
            ["companies", "contacts", "leads", "deals", "products", "tasks", "memos", "emails", "files", "countries"],
            new PermissionCatalog(FeatureList.All.SelectMany(f => f.Modules)).Modules.Select(m => m.Key));
    }

    private static Type? RecordTypeOf(IRecordLookup lookup)
    {
        for (var type = lookup.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(OwnedRecordLookup<>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }
}
