import { BackendFeature } from '@backstage/backend-plugin-api';
declare const terraformFeatures: BackendFeature;
export default terraformFeatures;
export declare const terraformPlugin: BackendFeature;
export declare const catalogModuleTerraform: BackendFeature;
