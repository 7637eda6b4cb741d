namespace Crm.Web.Web;

/// <summary>
/// The user interface's text, looked up by its English wording (the key is the English text, so
/// untranslated text simply shows in English). Translations: <c>Resources/Web/Ui.&lt;lang&gt;.resx</c>.
/// Views use it as <c>T["…"]</c> (injected in _ViewImports).
/// </summary>
public sealed class Ui;
