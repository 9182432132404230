using System.Globalization;
using System.Net;
using System.Text;
using SpectroFlow.Engine.Reporting;

namespace SpectroFlow.Cli.Reporting;

/// <summary>What the report shows for one output file besides the manifest: its thumbnail, player and parameters.</summary>
/// <param name="Output">The manifest's record of the file.</param>
/// <param name="Thumbnail">Path of its thumbnail relative to the output root ('/' separators), or null.</param>
/// <param name="AudioType">MIME type of an audio output (<c>audio/mpeg</c>), or null for other files.</param>
/// <param name="Parameters">Spectrogram parameters, duration, sample rate, as name and text.</param>
/// <param name="Problem">Why there is no thumbnail or parameters (missing or unreadable file), or null.</param>
internal sealed record OutputView(ReportOutput Output, string? Thumbnail, string? AudioType, IReadOnlyList<KeyValuePair<string, string>> Parameters, string? Problem);

/// <summary>
/// Renders a listening report as one static HTML page: inline style, no script, no network; every text HTML-escaped and
/// every link relative and percent-encoded per path segment.
/// </summary>
internal static class ReportHtml
{
    private const string Style = """
        body{font-family:sans-serif;margin:1.5em;color:#222;background:#fafafa}
        .summary{display:flex;gap:2em;font-size:1.1em;padding:.5em 0;border-bottom:1px solid #ccc}
        .item{margin:1em 0;padding:.5em 1em;background:#fff;border:1px solid #ddd}
        .item.failed{border-color:#c33}
        .output{display:flex;gap:1em;align-items:flex-start;margin:.5em 0}
        .output img{image-rendering:pixelated;border:1px solid #ccc;max-width:256px}
        .errors li,.problem{color:#a00}
        table{border-collapse:collapse;font-size:.85em}
        td,th{padding:1px 6px;text-align:left;vertical-align:top}
        """;

    /// <summary>The whole page.</summary>
    public static string Render(ListeningReport report, IReadOnlyList<OutputView> outputs)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(outputs);
        var views = outputs.ToLookup(v => v.Output);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>SpectroFlow report: ")
            .Append(Escape(Path.GetFileName(report.OutputRoot))).Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>Listening report</h1>\n<div class=\"summary\">");
        ReportSummary summary = report.Summary;
        Count(html, "items", summary.Items.ToString(CultureInfo.InvariantCulture));
        Count(html, "outputs", summary.Outputs.ToString(CultureInfo.InvariantCulture));
        Count(html, "skipped", summary.Skipped?.ToString(CultureInfo.InvariantCulture) ?? "n/a");
        Count(html, "errors", summary.Errors.ToString(CultureInfo.InvariantCulture));
        html.Append("</div>\n");
        foreach (ReportItem item in report.Items)
        {
            html.Append("<section class=\"item ").Append(Escape(item.Status)).Append("\">\n<h2>").Append(Escape(item.Key))
                .Append(" <small>(").Append(Escape(item.Status)).Append(")</small></h2>\n");
            if (item.Errors.Count > 0)
            {
                html.Append("<ul class=\"errors\">\n");
                foreach (string error in item.Errors)
                {
                    html.Append("<li>").Append(Escape(error)).Append("</li>\n");
                }

                html.Append("</ul>\n");
            }

            foreach (ReportOutput output in item.Outputs)
            {
                OutputView view = views[output].FirstOrDefault() ?? new OutputView(output, null, null, [], null);
                AppendOutput(html, view);
            }

            html.Append("</section>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A relative URL for <paramref name="path"/> ('/' separators): each segment percent-encoded (spaces, #, ?, quotes, unicode).</summary>
    public static string Href(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary>HTML-escapes text for element content and quoted attributes.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static void Count(StringBuilder html, string name, string value) =>
        html.Append("<div>").Append(name).Append(": <strong id=\"count-").Append(name).Append("\">").Append(Escape(value)).Append("</strong></div>");

    private static void AppendOutput(StringBuilder html, OutputView view)
    {
        ReportOutput output = view.Output;
        string href = Escape(Href(output.Path));
        html.Append("<div class=\"output\">\n");
        if (view.Thumbnail is not null)
        {
            html.Append("<a href=\"").Append(href).Append("\"><img src=\"").Append(Escape(Href(view.Thumbnail)))
                .Append("\" alt=\"spectrogram of ").Append(Escape(output.Path)).Append("\"></a>\n");
        }

        html.Append("<div>\n<h3><a href=\"").Append(href).Append("\">").Append(Escape(output.Path)).Append("</a></h3>\n");
        if (view.AudioType is not null)
        {
            html.Append("<audio controls preload=\"metadata\"><source src=\"").Append(href).Append("\" type=\"")
                .Append(Escape(view.AudioType)).Append("\"></audio>\n");
        }

        if (view.Problem is not null)
        {
            html.Append("<p class=\"problem\">").Append(Escape(view.Problem)).Append("</p>\n");
        }

        if (output.Bpm is { } bpm)
        {
            html.Append("<p class=\"tempo\">tempo: ").Append(bpm.ToString("0.0", CultureInfo.InvariantCulture)).Append(" BPM");
            if (output.TempoConfidence is { } confidence)
            {
                html.Append(" (confidence ").Append(confidence.ToString("0.00", CultureInfo.InvariantCulture)).Append(')');
            }

            html.Append("</p>\n");
        }

        Table(html, "parameters", view.Parameters);
        if (output.Item is not null)
        {
            Table(html, "metadata", [new("item", output.Item), .. output.Metadata]);
        }

        html.Append("</div>\n</div>\n");
    }

    private static void Table(StringBuilder html, string name, IReadOnlyList<KeyValuePair<string, string>> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        html.Append("<table class=\"").Append(name).Append("\">\n");
        foreach ((string key, string value) in rows)
        {
            html.Append("<tr><th>").Append(Escape(key)).Append("</th><td>").Append(Escape(value)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }
}
