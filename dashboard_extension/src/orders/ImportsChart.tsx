import { Box, Text } from "@saleor/macaw-ui";

import { formatDate } from "../format/dates";
import { chartBars } from "./format";
import type { DailyImports } from "./types";

const WIDTH = 300;
const HEIGHT = 60;

/** A day of the chart ("2026-03-07", a UTC calendar day) in the one date format of the pages. */
const dayLabel = (day: string | undefined) => (day ? formatDate(`${day}T00:00:00Z`, "UTC") : "");

/** Orders imported per day over the last 30 days: plain SVG bars, each with its day and count as a tooltip. */
export function ImportsChart(props: { days: DailyImports[] }) {
  const bars = chartBars(props.days, WIDTH, HEIGHT);
  const total = props.days.reduce((sum, d) => sum + d.count, 0);
  const first = props.days[0]?.day;
  const last = props.days[props.days.length - 1]?.day;
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid="imports-chart">
      <Text size={2} color="default2">
        Imported per day, last 30 days: {total} orders
      </Text>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={`${total} orders imported in 30 days`}>
        <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} stroke="currentColor" strokeOpacity={0.2} />
        {bars.map((bar) => (
          <rect key={bar.day} data-testid="imports-bar" data-count={bar.count} x={bar.x} y={bar.y} width={bar.width}
            height={bar.height} fill="currentColor" fillOpacity={0.6}>
            <title>{`${dayLabel(bar.day)}: ${bar.count}`}</title>
          </rect>
        ))}
      </svg>
      <Box display="flex" justifyContent="space-between" style={{ width: WIDTH }}>
        <Text size={1} color="default2">
          {dayLabel(first)}
        </Text>
        <Text size={1} color="default2">
          {dayLabel(last)}
        </Text>
      </Box>
    </Box>
  );
}
