using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Records;

/// <summary>
/// The list page every object module shares: the search, sort and cursor bound from the address,
/// one page of the module's list use case (its refusals shown as page errors), whether the actor may
/// create and export, and the links to the next page and to the export that keep the filters. A
/// module's page names its query and its filters; its page lives at <c>/{module}</c>, its API at
/// <c>/api/v1/{module}</c>.
/// </summary>
public abstract class RecordListPage<TItem>(RecordAccess access, ModuleDefinition module) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    /// <summary>The custom fields chosen as columns, by key (the address's <c>show</c>, repeated).</summary>
    [BindProperty(SupportsGet = true, Name = "show")]
    public List<string> Show { get; set; } = [];

    /// <summary>The module's custom fields the actor may see, which the list offers as columns.</summary>
    public IReadOnlyList<CustomFieldEntry> CustomColumns { get; private set; } = [];

    /// <summary>The chosen custom field columns, in position order.</summary>
    public IReadOnlyList<CustomFieldEntry> ShownColumns => [.. CustomColumns.Where(c => Show.Contains(c.Key, StringComparer.Ordinal))];

    /// <summary>The headers of the chosen custom field columns (<c>_CustomFieldHeads</c>), each a link sorting the list by it.</summary>
    public CustomFieldHeads ColumnHeads => new(ShownColumns, Sort, sort => Link(null, sort));

    /// <summary>The column chooser of the filter form (<c>_CustomFieldColumns</c>).</summary>
    public CustomFieldColumnChoice ColumnChoice => new(CustomColumns, Show, CustomFilters.ToDictionary(f => f.Key, f => f.Value, StringComparer.OrdinalIgnoreCase));

    /// <summary>The list's custom field filters (the address's <c>cf.key=value</c>), which its links and export keep.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CustomFilters =>
        HttpContext.RequestServices.GetService<CustomFieldListFilters>()?.Given ?? [];

    private IReadOnlyDictionary<int, Dictionary<string, string?>> _customValues = new Dictionary<int, Dictionary<string, string?>>();

    /// <summary>A row's cells of the chosen custom field columns (<c>_CustomFieldCells</c>).</summary>
    public IReadOnlyList<CustomFieldEntry> CellsOf(TItem item) =>
        [.. ShownColumns.Select(c => c with { Value = _customValues.TryGetValue(RecordRowIds.Of(item), out var values) ? values.GetValueOrDefault(c.Key) : null })];

    /// <summary>The page shown; empty when the query was refused.</summary>
    public ListPage<TItem> List { get; private set; } = new([], null, null);

    public bool CanCreate { get; private set; }
    public bool CanExport { get; private set; }
    public bool CanImport { get; private set; }

    /// <summary>The permission engine, for the decisions a module's page adds.</summary>
    protected RecordAccess Access => access;

    /// <summary>The module's list use case for the bound search, sort, cursor and filters, a page of <see cref="PageSize"/>.</summary>
    protected abstract Task<Result<ListPage<TItem>>> ListAsync(Actor actor, CancellationToken cancellationToken);

    /// <summary>
    /// The module's filters as the address carries them (null: left out), in the order the links
    /// show them: the page's <see cref="ListFilterAttribute"/> properties, each under its name in camel case.
    /// </summary>
    protected IEnumerable<KeyValuePair<string, string?>> Filters =>
        s_filters.GetOrAdd(GetType(), type => [.. type.GetProperties().Where(p => p.IsDefined(typeof(ListFilterAttribute), inherit: true))])
            .Select(p => KeyValuePair.Create(JsonNamingPolicy.CamelCase.ConvertName(p.Name), Given(p.GetValue(this))));

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_filters = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>The address of this list at <paramref name="cursor"/>, sorted by <paramref name="sort"/> (the current sort when null).</summary>
    public string Link(string? cursor, string? sort = null) => "/" + module.Key + QueryOf(cursor, sort ?? Sort);

    /// <summary>The links to the page before and after this one (null: none), for the shared pager <c>_ListPager</c>.</summary>
    public ListPager Pager => new(List.PreviousCursor is { } previous ? Link(previous) : null, List.NextCursor is { } next ? Link(next) : null);

    /// <summary>The pager, and <paramref name="empty"/> ("No products to show.") when the page has no row.</summary>
    public ListPager Footer(string empty) => Pager with { Empty = List.Items.Count == 0 ? empty : null };

    /// <summary>The filter form's search box (<c>_ListSearch</c>), labelled with what the list searches.</summary>
    public ListSearch SearchBox(string label) => new(label, Search);

    /// <summary>The filter form's sort choice (<c>_ListSort</c>): the list's sorts as value and label, the default first, and the custom field sort in use.</summary>
    public ListSort SortChoice(params (string Value, string Label)[] options) => new(Sort, CustomSortOption is { } custom ? [.. options, custom] : options);

    /// <summary>
    /// The custom field the list is sorted by (a column header's link), as a choice of the filter form's
    /// "Sort by", so searching again keeps it; null when the list is not sorted by a field the actor may see.
    /// </summary>
    public (string Value, string Label)? CustomSortOption =>
        CustomFieldSort.Parse(Sort) is { } sorted
        && CustomColumns.FirstOrDefault(c => CustomFieldHeads.IsSortable(c) && string.Equals(c.Key, sorted.Key, StringComparison.OrdinalIgnoreCase)) is { } column
            ? (Sort!, $"{column.Label} ({(sorted.Descending ? "descending" : "ascending")})")
            : null;

    /// <summary>The export of the list as shown (csv or xlsx): same search, filters and sort, every page.</summary>
    public string ExportLink => $"/api/v1/{module.Key}/export" + QueryOf(null, Sort);

    /// <summary>
    /// The top of the page (<c>_ListHeader</c>): <paramref name="title"/> (the module's title when null),
    /// the export actions and the button <paramref name="addText"/> when the actor may use them.
    /// </summary>
    public ListHeader Header(string? addText, string? title = null) =>
        new(title ?? module.Title, CanExport ? ExportLink : null, CanCreate && addText is not null ? AddLink : null, addText)
        {
            ImportLink = CanImport ? $"/import?module={module.Key}" : null,
        };

    /// <summary>Where the add button goes; a module adds the list's filter a new record takes (its company).</summary>
    protected virtual string AddLink => $"/{module.Key}/new";

    /// <summary>A filter's value as the address carries it: left out when empty.</summary>
    private static string? Given(object? value) => value switch
    {
        null => null,
        string text => string.IsNullOrWhiteSpace(text) ? null : text,
        bool yes => yes ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>An optional text filter as the query takes it: none when empty.</summary>
    protected static string? Given(string? value) => string.IsNullOrEmpty(value) ? null : value;


    /// <summary>Reads the page and the actor's create and export rights; a module adds its own with <see cref="LoadMoreAsync"/>.</summary>
    protected async Task LoadAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await ListAsync(actor, cancellationToken);
        if (result.IsOk)
        {
            List = result.Value;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        await LoadCustomColumnsAsync(actor, cancellationToken);
        CanCreate = !actor.IsPreview && (await access.DecideAsync(actor, module.Key, PermissionAction.Create, null, cancellationToken)).Allowed;
        CanExport = (await access.DecideAsync(actor, module.Key, PermissionAction.Export, null, cancellationToken)).Allowed;
        CanImport = !actor.IsPreview && module.Actions.Contains(PermissionAction.Import)
            && (await access.DecideAsync(actor, module.Key, PermissionAction.Import, null, cancellationToken)).Allowed;
        await LoadMoreAsync(actor, cancellationToken);
    }

    /// <summary>The custom fields the actor may see as columns, and the values of the page's rows for the chosen ones (ADR 0034).</summary>
    private async Task LoadCustomColumnsAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (ReadableModules.Find(module.Key) is null || HttpContext.RequestServices.GetService<IRecordCustomFields>() is not { } custom)
        {
            return;
        }

        CustomColumns = await custom.EntriesAsync(actor, module.Key, null, null, cancellationToken);
        if (ShownColumns.Count > 0 && List.Items.Count > 0)
        {
            _customValues = await custom.ValuesAsync(actor, module.Key, [.. List.Items.Select(RecordRowIds.Of)], cancellationToken);
        }
    }

    /// <summary>What else a module's page decides for the actor (deals: whether amounts show).</summary>
    protected virtual Task LoadMoreAsync(Actor actor, CancellationToken cancellationToken) => Task.CompletedTask;

    private string QueryOf(string? cursor, string? sort) =>
        QueryString.Create(new[] { KeyValuePair.Create("search", string.IsNullOrWhiteSpace(Search) ? null : Search), KeyValuePair.Create("sort", sort) }
            .Concat(Filters)
            .Concat(CustomFilters.Select(f => KeyValuePair.Create(CustomFieldListFilters.Prefix + f.Key, (string?)f.Value)))
            .Concat(Show.Where(key => CustomColumns.Count == 0 || CustomColumns.Any(c => c.Key == key)).Select(key => KeyValuePair.Create("show", (string?)key)))
            .Append(KeyValuePair.Create("cursor", cursor))
            .Where(p => p.Value is not null)).ToUriComponent();
}

/// <summary>A filter of a list page: bound from the address, and kept by its links to other pages, its sorts and its export.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListFilterAttribute : BindPropertyAttribute
{
    public ListFilterAttribute()
    {
        SupportsGet = true;
    }
}

/// <summary>
/// The headers of a list's custom field columns: each but long text links to the list sorted by it
/// (<c>cf.key</c>), or descending (<c>-cf.key</c>) when it is already sorted by it ascending; the link keeps
/// the search, the filters and the chosen columns, and starts from the first page.
/// </summary>
public sealed record CustomFieldHeads(IReadOnlyList<CustomFieldEntry> Columns, string? Sort, Func<string, string> LinkOf)
{
    public static bool IsSortable(CustomFieldEntry field) => field.Type != "textarea";

    /// <summary>"ascending" or "descending" when the list is sorted by <paramref name="field"/> (the header's aria-sort), else null.</summary>
    public string? Direction(CustomFieldEntry field) =>
        CustomFieldSort.Parse(Sort) is { } sorted && string.Equals(sorted.Key, field.Key, StringComparison.OrdinalIgnoreCase)
            ? sorted.Descending ? "descending" : "ascending"
            : null;

    public string SortLink(CustomFieldEntry field) =>
        LinkOf((Direction(field) == "ascending" ? CustomFieldSort.DescendingMark : "") + CustomFieldListFilters.Prefix + field.Key);
}

/// <summary>What the shared pager of a list page shows: a Previous and a Next link when there is such a page, and <paramref name="Empty"/> when the page has no row.</summary>
public sealed record ListPager(string? Previous, string? Next, string? Empty = null);

/// <summary>The search box of a list's filter form, labelled with what it searches.</summary>
public sealed record ListSearch(string Label, string? Value);

/// <summary>The sort choice of a list's filter form: the first option is the default, also for a sort the list does not know.</summary>
public sealed record ListSort(string? Current, IReadOnlyList<(string Value, string Label)> Options)
{
    public bool IsChosen(string value) => Current == value || (value == Options[0].Value && !Options.Any(o => o.Value == Current));
}
