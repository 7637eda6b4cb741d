using System.Text.Json;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Companies;

/// <summary><c>/api/v1/companies</c>: signed-in callers; what each may see and do is decided inside the use cases.</summary>
public static class CompaniesApi
{
    public static RouteGroupBuilder MapCompaniesApi(this RouteGroupBuilder api)
    {
        var companies = api.MapGroup("/companies").WithTags("Companies").RequireAuthorization();

        companies.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, Guid? ownerId, HttpContext http, ListCompanies list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new CompanyQuery(search, sort, cursor, pageSize, ownerId), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor, previousCursor = page.PreviousCursor })))
            .WithName("ListCompanies")
            .WithSummary("The companies you may view: search by name, sort by name or id, keyset-paged (pass nextCursor back as cursor; pageSize 1 to 100).");

        companies.MapExport("ExportCompanies", "companies", async (string? format, string? search, string? sort, Guid? ownerId, HttpContext http, ExportCompanies export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new CompanyQuery(search, sort, OwnerId: ownerId), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)));

        companies.MapGet("/{id:int}", async (int id, HttpContext http, ReadCompany read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(view => Results.Ok(view.Company)))
            .WithName("GetCompany")
            .WithSummary("One company; 404 when it does not exist or you may not view it.");

        companies.MapPost("", async (CompanyRequest body, HttpContext http, SaveCompany save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), null, body.ToInput(), CompanyFields.All, cancellationToken))
                    .ToHttp(c => Results.Created($"/api/v1/companies/{c.Id}", c)))
            .WithName("CreateCompany")
            .WithSummary("Adds a company; the owner defaults to you.");

        companies.MapPatch("/{id:int}", async (int id, JsonElement body, HttpContext http, SaveCompany save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<CompanyRequest>(body, json.Value.SerializerOptions);
                if (!patch.IsOk)
                {
                    return patch.ToHttp();
                }

                var given = patch.Value!;
                var fields = CompanyFields.None;
                foreach (var (name, field) in s_fields)
                {
                    fields |= given.Has(name) ? field : CompanyFields.None;
                }

                return (await save.RunAsync(http.Actor(), id, given.Value.ToInput(), fields, cancellationToken)).ToHttp();
            })
            .Accepts<CompanyRequest>("application/json")
            .WithName("UpdateCompany")
            .WithSummary("Changes the fields present in the body (null clears); `version` (from GET) is required, 409 if someone else saved first.");

        companies.MapDelete("/{id:int}", async (int id, HttpContext http, DeleteCompany delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, null, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("DeleteCompany")
            .WithSummary("Deletes the company and its contacts (see delete-impact) in one transaction.");

        companies.MapGet("/{id:int}/delete-impact", async (int id, HttpContext http, DeleteCompany delete, CancellationToken cancellationToken) =>
                (await delete.ImpactAsync(http.Actor(), id, cancellationToken))
                    .ToHttp(i => Results.Ok(new { i.CompanyId, i.Name, deleted = i.Deleted, i.HiddenContacts, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden, refusal = i.Also.Refusal })))
            .WithName("GetCompanyDeleteImpact")
            .WithSummary("What deleting the company would delete with it.");

        companies.MapPost("/transfer", async (TransferRequest body, HttpContext http, TransferCompanies transfer, CancellationToken cancellationToken) =>
                (await transfer.RunAsync(http.Actor(), new TransferInput(body.CompanyIds, body.NewOwnerId, new TransferOptions(body.OpenDeals == true, body.OpenTasks == true)), cancellationToken)).ToHttp())
            .WithName("TransferCompanies")
            .WithDescription("Linked contacts, deals and tasks move only where you may edit them; the answer's leftBehind counts those that stayed with their owners.")
            .WithSummary("Moves companies and their contacts to a new owner (needs transfer on each; the owner must fit your role's assignment rule); openDeals: true moves the companies' open deals too, openTasks: true their open tasks.");

        companies.MapPost("/transfer/preview", async (TransferRequest body, HttpContext http, TransferCompanies transfer, CancellationToken cancellationToken) =>
                (await transfer.PreviewAsync(http.Actor(), new TransferInput(body.CompanyIds, body.NewOwnerId, new TransferOptions(body.OpenDeals == true, body.OpenTasks == true)), cancellationToken)).ToHttp())
            .WithName("PreviewCompanyTransfer")
            .WithSummary("What a transfer with this body would move, changing nothing: counts of companies, contacts, open deals and open tasks, and leftBehind, the linked records you may not change that would stay with their owners.");

        return api;
    }

    private static readonly (string Name, CompanyFields Field)[] s_fields =
    [
        ("name", CompanyFields.Name), ("website", CompanyFields.Website), ("phone", CompanyFields.Phone), ("email", CompanyFields.Email),
        ("city", CompanyFields.City), ("address", CompanyFields.Address), ("countryName", CompanyFields.Country), ("ownerId", CompanyFields.Owner),
    ];

    /// <summary>What a caller may set; anything else in the body (id, createdAt, departmentId) is ignored.</summary>
    public sealed record CompanyRequest(
        string? Name, string? Website, string? Phone, string? Email, string? City, string? Address, string? CountryName, Guid? OwnerId, int? Version)
    {
        public CompanyInput ToInput() => new(Name, Website, Phone, Email, City, Address, CountryName, OwnerId, Version);
    }

    public sealed record TransferRequest(IReadOnlyList<int>? CompanyIds, Guid? NewOwnerId, bool? OpenDeals = null, bool? OpenTasks = null);
}
