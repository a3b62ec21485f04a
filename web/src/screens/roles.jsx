// Which screens each role has, under which hash routes. The first is the role's home; hidden ones
// (the signed-in person's own account) are reached by a link, not a tab.
import { MyAccount } from './account.jsx';
import { Audit, Locations, PendingAccounts, Products, Schedules, Suppliers, Users, Webhooks } from './admin.jsx';
import { CfaHome } from './cfa.jsx';
import { Customers } from './customers.jsx';
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

/** The role's screens; a shop-floor session (a PIN sign-in) has no account screen: it may not change a PIN. */
export function roleScreens(me, { shopFloor = false } = {}) {
  const account = shopFloor ? [] : [{ ...tab('#/account', 'My account', MyAccount), hidden: true }];
  return [...screensOf(me), ...account];
}

function screensOf(me) {
  const reports = tab('#/reports', 'Reports', ReportsPanel);
  switch (me.role) {
    case 'manufacturer':
      return [tab('#/', 'Production', ManufacturerHome), tab('#/orders', 'Orders', OrdersScreen), tab('#/stock', 'Stock', StockScreen), reports];
    case 'cfa':
      return [tab('#/', 'Dashboard', CfaHome), reports];
    case 'stockist':
    case 'retailer':
      return [tab('#/', 'Dashboard', StoreHome), tab('#/customers', 'Customers', Customers), reports];
    case 'admin':
      return [
        tab('#/', 'Users', AdminHome), tab('#/accounts', 'Pending accounts', PendingAccounts), tab('#/locations', 'Locations', Locations),
        tab('#/suppliers', 'Suppliers', Suppliers), tab('#/products', 'Products', Products), tab('#/schedules', 'Schedules', Schedules), tab('#/alerts', 'Alerts', AlertsScreen),
        reports, tab('#/webhooks', 'Webhooks', Webhooks), tab('#/audit', 'Audit', Audit),
      ];
    default:
      return [tab('#/', 'Dashboard', OrdersScreen)];
  }
}
