using System.Text.Json;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Leads;

/// <summary><c>/api/v1/leads</c>: signed-in callers; permissions are decided inside the use cases.</summary>
public static class LeadsApi
{
    public static RouteGroupBuilder MapLeadsApi(this RouteGroupBuilder api)
    {
        var leads = api.MapGroup("/leads").WithTags("Leads").RequireAuthorization();

        leads.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, string? status, string? source,
                HttpContext http, ListLeads list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new LeadQuery(search, sort, cursor, pageSize, status, source), cancellationToken))
                    .ToHttp(page => Results.Ok(page)))
            .AsRecordList<LeadListItem>(CrmModules.Leads)
            .WithName("ListLeads")
            .WithSummary("The leads you may view: filter by status and source, search name, email or company name, sort by name or id, keyset-paged.");

        leads.MapGet("/export", async (string? format, string? search, string? sort, string? status, string? source,
                HttpContext http, ListLeads list, CancellationToken cancellationToken) =>
            (await list.ExportAsync(http.Actor(), new LeadQuery(search, sort, null, null, status, source), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)))
            .AsListExport(leads, "ExportLeads", "leads");

        leads.MapOwnedRecordEdits(
            new OwnedRecordEdits<LeadInput, LeadFields>("Lead")
            {
                GetSummary = "One lead, with the contact, company and deal it was converted into; 404 when it does not exist or you may not view it.",
                CreateSummary = "Adds a lead; source is web, referral, event or other; the owner defaults to you.",
                UpdateSummary = "Changes the fields present in the body; `version` is required, 409 if someone else saved first or the lead was converted.",
            },
            get: async (ReadLead read, Actor actor, int id, CancellationToken cancellationToken) =>
                (await read.RunAsync(actor, id, cancellationToken)).ToHttp(view => Results.Ok(view.Lead)),
            save: (SaveLead save, Actor actor, int? id, LeadInput input, LeadFields fields, CancellationToken cancellationToken) =>
                save.RunAsync(actor, id, input, fields, cancellationToken),
            location: l => $"/api/v1/leads/{l.Id}");

        leads.MapPost("/{id:int}/convert", async (int id, JsonElement body, HttpContext http, ConvertLead convert, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var read = PatchBody.Read<ConvertRequest>(body, json.Value.SerializerOptions);
                return !read.IsOk ? read.ToHttp() : (await convert.RunAsync(http.Actor(), id, read.Value.Value.ToInput(), cancellationToken)).ToHttp();
            })
            .Accepts<ConvertRequest>("application/json")
            .WithName("ConvertLead")
            .WithSummary("Creates a contact and a new company (from the lead's company name) or links existingCompanyId, and a deal when createDeal is true; all or nothing. 409 if already converted.");

        leads.MapOwnedRecordDelete<Lead>("Lead", "leadId", "name",
            "Deletes the lead and what hangs on it (see delete-impact); records it was converted into stay.");

        return api;
    }


    public sealed record ConvertRequest(int? ExistingCompanyId, bool? CreateDeal, string? DealTitle, string? DealAmount, string? DealCurrency, int? Version)
    {
        public LeadConversionInput ToInput() => new(ExistingCompanyId, CreateDeal == true, DealTitle, DealAmount, DealCurrency, Version);
    }
}
