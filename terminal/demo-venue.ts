// The demo venue's data lives in contract/ so the gateway can seed it too; the terminal keeps
// importing it from here.
export { demoCatalog, demoVenueConfig, ean13 } from '../contract/demo-venue';
