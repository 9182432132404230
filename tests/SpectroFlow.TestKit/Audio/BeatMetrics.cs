namespace SpectroFlow.TestKit.Audio;

/// <summary>How an estimated tempo relates to the truth.</summary>
public enum TempoMatch
{
    /// <summary>Within 2%.</summary>
    Exact,

    /// <summary>Within 2% of half or double the truth.</summary>
    Octave,

    /// <summary>Anything else (including no tempo).</summary>
    Wrong,
}

/// <summary>Beat-tracking evaluation measures (MIREX conventions).</summary>
public static class BeatMetrics
{
    /// <summary>Classifies <paramref name="estimate"/> against <paramref name="truth"/> with a 2% tolerance.</summary>
    public static TempoMatch Classify(double? estimate, double truth)
    {
        if (estimate is not double bpm)
        {
            return TempoMatch.Wrong;
        }

        if (Math.Abs(bpm - truth) <= 0.02 * truth)
        {
            return TempoMatch.Exact;
        }

        return Math.Abs(bpm - (2 * truth)) <= 0.04 * truth || Math.Abs(bpm - (truth / 2)) <= 0.01 * truth
            ? TempoMatch.Octave
            : TempoMatch.Wrong;
    }

    /// <summary>Beat F-measure: each true beat matched by at most one estimate within <paramref name="tolerance"/> seconds.</summary>
    public static double FMeasure(IReadOnlyList<double> estimated, IReadOnlyList<double> truth, double tolerance = 0.07)
    {
        if (estimated.Count == 0 || truth.Count == 0)
        {
            return estimated.Count == truth.Count ? 1 : 0;
        }

        int hits = 0;
        int j = 0;
        foreach (double beat in truth)
        {
            while (j < estimated.Count && estimated[j] < beat - tolerance)
            {
                j++;
            }

            if (j < estimated.Count && Math.Abs(estimated[j] - beat) <= tolerance)
            {
                hits++;
                j++;
            }
        }

        double precision = (double)hits / estimated.Count;
        double recall = (double)hits / truth.Count;
        return hits == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
}
