import type { ErrorMap, FormState } from "./form";
import type { Marketplace, StoreOptions } from "./types";

export type SectionProps = {
  form: FormState;
  update: (change: (form: FormState) => FormState) => void;
  errors: ErrorMap;
  options: StoreOptions;
  marketplaces: Marketplace[];
  readOnly: boolean;
};
