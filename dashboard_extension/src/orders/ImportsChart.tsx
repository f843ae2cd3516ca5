import { Box, Text } from "@saleor/macaw-ui";

import { chartBars } from "./format";
import type { DailyImports } from "./types";

const WIDTH = 300;
const HEIGHT = 60;

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
            <title>{`${bar.day}: ${bar.count}`}</title>
          </rect>
        ))}
      </svg>
      <Box display="flex" justifyContent="space-between" style={{ width: WIDTH }}>
        <Text size={1} color="default2">
          {first}
        </Text>
        <Text size={1} color="default2">
          {last}
        </Text>
      </Box>
    </Box>
  );
}
