// Which screens each role has, under which hash routes. The first is the role's home.
import { Audit, Locations, Products, Schedules, Suppliers, Users, Webhooks } from './admin.jsx';
import { CfaHome } from './cfa.jsx';
import { AlertsPanel, OrdersPanel, ReportsPanel, StockPanel } from './common.jsx';
import { ManufacturerHome } from './manufacturer.jsx';
import { StoreHome } from './store.jsx';

const tab = (href, label, component) => ({
  href, label, component,
  match: (path) => (href === '#/' ? path === '/' || path === '' : path === href.slice(1) || path.startsWith(`${href.slice(1)}/`)),
});

const AlertsScreen = () => <div class="grid"><AlertsPanel /></div>;
const OrdersScreen = () => <div class="grid"><OrdersPanel /></div>;
const StockScreen = () => <div class="grid"><StockPanel showLocation /></div>;
const AdminHome = () => <div class="grid"><Users /></div>;

export function roleScreens(me) {
  const reports = tab('#/reports', 'Reports', ReportsPanel);
  switch (me.role) {
    case 'manufacturer':
      return [tab('#/', 'Production', ManufacturerHome), tab('#/orders', 'Orders', OrdersScreen), tab('#/stock', 'Stock', StockScreen), reports];
    case 'cfa':
      return [tab('#/', 'Dashboard', CfaHome), reports];
    case 'stockist':
    case 'retailer':
      return [tab('#/', 'Dashboard', StoreHome), reports];
    case 'admin':
      return [
        tab('#/', 'Users', AdminHome), tab('#/locations', 'Locations', Locations), tab('#/suppliers', 'Suppliers', Suppliers),
        tab('#/products', 'Products', Products), tab('#/schedules', 'Schedules', Schedules), tab('#/alerts', 'Alerts', AlertsScreen),
        reports, tab('#/webhooks', 'Webhooks', Webhooks), tab('#/audit', 'Audit', Audit),
      ];
    default:
      return [tab('#/', 'Dashboard', OrdersScreen)];
  }
}
