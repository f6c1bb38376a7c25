namespace McpTunnel.Cli.Top;

/// <summary>
/// A quantile from cumulative histogram buckets, as Prometheus's <c>histogram_quantile</c> estimates it: find the
/// bucket the rank falls in and interpolate linearly inside it (the lowest bucket starts at 0; a rank in the
/// <c>+Inf</c> bucket answers the highest finite bound, since nothing better is known).
/// </summary>
internal static class HistogramQuantile
{
    /// <param name="buckets">Upper bound (<c>le</c>) → cumulative count; any order.</param>
    public static double? Estimate(double quantile, IReadOnlyDictionary<double, double> buckets)
    {
        var ordered = buckets.Where(b => !double.IsNaN(b.Key) && double.IsFinite(b.Value))
            .OrderBy(b => b.Key).ToList();
        if (ordered.Count == 0 || !double.IsPositiveInfinity(ordered[^1].Key))
        {
            return null;
        }

        var total = ordered[^1].Value;
        if (!(total > 0))
        {
            return null;
        }

        var rank = quantile * total;
        var lowerBound = 0.0;
        var lowerCount = 0.0;
        foreach (var (bound, count) in ordered)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(bound))
                {
                    return ordered.Count > 1 ? ordered[^2].Key : null;
                }

                var inBucket = count - lowerCount;
                return inBucket <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount) / inBucket);
            }

            lowerBound = bound;
            lowerCount = count;
        }

        return null;
    }
}
