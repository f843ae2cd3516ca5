import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const outDir = process.env.DASHBOARD_OUT_DIR ?? fileURLToPath(new URL("../saleor_asc_app/static/dashboard", import.meta.url));

/**
 * macaw-ui's stylesheet declares ~50 font files (Inter and Geist in every weight). The dashboard pages need only
 * Inter's variable font, so every other @font-face is dropped and that one file also serves the plain "Inter" family.
 */
function onlyInterVariableFont(): Plugin {
  return {
    name: "only-inter-variable-font",
    enforce: "pre",
    load(id) {
      if (!id.replace(/\\/g, "/").endsWith("@saleor/macaw-ui/dist/style.css")) return null;
      const css = readFileSync(id, "utf8");
      const kept = '@font-face{src:url(./Inter-roman.var.woff2) format("woff2");font-display:swap;font-style:normal;font-weight:100 900;font-family:';
      const stripped = css.replace(/@font-face\{[^}]*\}/g, "");
      return `${kept}Inter var}${kept}Inter}${stripped}`;
    },
  };
}

export default defineConfig({
  base: "/dashboard/",
  plugins: [onlyInterVariableFont(), react()],
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 900,
  },
});
