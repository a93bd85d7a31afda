/**
 * The questions of the two app-store privacy forms, as data (docs/content.md#app-store-labels):
 * Apple's App Privacy ("nutrition label") data types and purposes, and Google Play's Data
 * safety data types and purposes, each with the DPV personal-data concepts (pd:) that a
 * policy's `dataCollected[].category` names. The lists follow the stores' forms as of 2026;
 * test/unit/policy-exports.test.ts checks that every concept named here is mapped once per
 * store and that every store type has a category to live in.
 */

export interface StoreType {
  /** The store's category, as its form groups the types. */
  category: string;
  /** The data type as the form names it. */
  type: string;
  /** DPV pd: concepts (without the prefix) that are this type. */
  pd: string[];
}

export interface StoreForm {
  store: 'apple' | 'google';
  title: string;
  types: StoreType[];
  purposes: string[];
  /** What each type also asks, that facts may not say. */
  questions: string[];
}

export const APPLE: StoreForm = {
  store: 'apple',
  title: 'App Store: App Privacy',
  types: [
    { category: 'Contact Info', type: 'Name', pd: ['Name', 'FirstName', 'LastName'] },
    { category: 'Contact Info', type: 'Email Address', pd: ['EmailAddress'] },
    { category: 'Contact Info', type: 'Phone Number', pd: ['TelephoneNumber', 'PhoneNumber'] },
    { category: 'Contact Info', type: 'Physical Address', pd: ['PhysicalAddress', 'PostalAddress', 'Address'] },
    { category: 'Contact Info', type: 'Other User Contact Info', pd: ['Contact'] },
    { category: 'Health & Fitness', type: 'Health', pd: ['Health', 'HealthRecord'] },
    { category: 'Health & Fitness', type: 'Fitness', pd: ['PhysicalActivity'] },
    { category: 'Financial Info', type: 'Payment Info', pd: ['PaymentCardNumber', 'PaymentCard', 'BankAccount', 'FinancialAccount'] },
    { category: 'Financial Info', type: 'Credit Info', pd: ['CreditRecord', 'CreditScore'] },
    { category: 'Financial Info', type: 'Other Financial Info', pd: ['Financial', 'Income'] },
    { category: 'Location', type: 'Precise Location', pd: ['PreciseLocation', 'GPSCoordinate'] },
    { category: 'Location', type: 'Coarse Location', pd: ['Location', 'Country', 'City'] },
    { category: 'Sensitive Info', type: 'Sensitive Info', pd: ['Ethnicity', 'Religion', 'PoliticalOpinion', 'SexualOrientation', 'Biometric'] },
    { category: 'Contacts', type: 'Contacts', pd: ['Contacts', 'ContactList'] },
    { category: 'User Content', type: 'Emails or Text Messages', pd: ['Communication', 'EmailContent', 'MessageContent'] },
    { category: 'User Content', type: 'Photos or Videos', pd: ['Photograph', 'Video'] },
    { category: 'User Content', type: 'Audio Data', pd: ['VoiceRecording', 'Audio'] },
    { category: 'User Content', type: 'Customer Support', pd: ['CustomerSupport'] },
    { category: 'User Content', type: 'Other User Content', pd: ['UserContent', 'File'] },
    { category: 'Browsing History', type: 'Browsing History', pd: ['BrowsingHistory', 'BrowsingBehaviour'] },
    { category: 'Search History', type: 'Search History', pd: ['SearchHistory'] },
    { category: 'Identifiers', type: 'User ID', pd: ['Username', 'AccountIdentifier', 'UserID'] },
    { category: 'Identifiers', type: 'Device ID', pd: ['DeviceIdentifier', 'DeviceID', 'IMEI'] },
    { category: 'Purchases', type: 'Purchase History', pd: ['PurchaseHistory', 'Transaction'] },
    { category: 'Usage Data', type: 'Product Interaction', pd: ['UsageData', 'ProductInteraction'] },
    { category: 'Usage Data', type: 'Advertising Data', pd: ['AdvertisingData'] },
    { category: 'Usage Data', type: 'Other Usage Data', pd: ['IPAddress', 'ConnectionLog', 'Metadata'] },
    { category: 'Diagnostics', type: 'Crash Data', pd: ['CrashReport'] },
    { category: 'Diagnostics', type: 'Performance Data', pd: ['PerformanceData'] },
    { category: 'Diagnostics', type: 'Other Diagnostic Data', pd: ['DiagnosticData'] },
    { category: 'Other Data', type: 'Other Data Types', pd: [] },
  ],
  purposes: ['Third-Party Advertising', "Developer's Advertising or Marketing", 'Analytics', 'Product Personalization', 'App Functionality', 'Other Purposes'],
  questions: ['Is it linked to the user’s identity?', 'Is it used to track the user (across apps and websites owned by others)?'],
};

export const GOOGLE: StoreForm = {
  store: 'google',
  title: 'Google Play: Data safety',
  types: [
    { category: 'Location', type: 'Approximate location', pd: ['Location', 'Country', 'City'] },
    { category: 'Location', type: 'Precise location', pd: ['PreciseLocation', 'GPSCoordinate'] },
    { category: 'Personal info', type: 'Name', pd: ['Name', 'FirstName', 'LastName'] },
    { category: 'Personal info', type: 'Email address', pd: ['EmailAddress'] },
    { category: 'Personal info', type: 'User IDs', pd: ['Username', 'AccountIdentifier', 'UserID'] },
    { category: 'Personal info', type: 'Address', pd: ['PhysicalAddress', 'PostalAddress', 'Address'] },
    { category: 'Personal info', type: 'Phone number', pd: ['TelephoneNumber', 'PhoneNumber'] },
    { category: 'Personal info', type: 'Race and ethnicity', pd: ['Ethnicity'] },
    { category: 'Personal info', type: 'Political or religious beliefs', pd: ['PoliticalOpinion', 'Religion'] },
    { category: 'Personal info', type: 'Sexual orientation', pd: ['SexualOrientation'] },
    { category: 'Personal info', type: 'Other info', pd: ['Contact', 'Biometric'] },
    { category: 'Financial info', type: 'User payment info', pd: ['PaymentCardNumber', 'PaymentCard', 'BankAccount', 'FinancialAccount'] },
    { category: 'Financial info', type: 'Purchase history', pd: ['PurchaseHistory', 'Transaction'] },
    { category: 'Financial info', type: 'Credit score', pd: ['CreditRecord', 'CreditScore'] },
    { category: 'Financial info', type: 'Other financial info', pd: ['Financial', 'Income'] },
    { category: 'Health and fitness', type: 'Health info', pd: ['Health', 'HealthRecord'] },
    { category: 'Health and fitness', type: 'Fitness info', pd: ['PhysicalActivity'] },
    { category: 'Messages', type: 'Emails', pd: ['EmailContent', 'Communication'] },
    { category: 'Messages', type: 'Other in-app messages', pd: ['MessageContent'] },
    { category: 'Photos and videos', type: 'Photos', pd: ['Photograph'] },
    { category: 'Photos and videos', type: 'Videos', pd: ['Video'] },
    { category: 'Audio files', type: 'Voice or sound recordings', pd: ['VoiceRecording', 'Audio'] },
    { category: 'Files and docs', type: 'Files and docs', pd: ['File'] },
    { category: 'Contacts', type: 'Contacts', pd: ['Contacts', 'ContactList'] },
    { category: 'App activity', type: 'App interactions', pd: ['UsageData', 'ProductInteraction'] },
    { category: 'App activity', type: 'In-app search history', pd: ['SearchHistory'] },
    { category: 'App activity', type: 'Other user-generated content', pd: ['UserContent', 'CustomerSupport'] },
    { category: 'App activity', type: 'Other actions', pd: ['AdvertisingData'] },
    { category: 'Web browsing', type: 'Web browsing history', pd: ['BrowsingHistory', 'BrowsingBehaviour'] },
    { category: 'App info and performance', type: 'Crash logs', pd: ['CrashReport'] },
    { category: 'App info and performance', type: 'Diagnostics', pd: ['DiagnosticData', 'PerformanceData'] },
    { category: 'App info and performance', type: 'Other app performance data', pd: ['ConnectionLog', 'Metadata'] },
    { category: 'Device or other IDs', type: 'Device or other IDs', pd: ['DeviceIdentifier', 'DeviceID', 'IMEI', 'IPAddress'] },
  ],
  purposes: [
    'App functionality',
    'Analytics',
    'Developer communications',
    'Advertising or marketing',
    'Fraud prevention, security, and compliance',
    'Personalization',
    'Account management',
  ],
  questions: ['Is it collected, shared, or both?', 'Is it processed ephemerally?', 'Is collecting it required or optional?'],
};
