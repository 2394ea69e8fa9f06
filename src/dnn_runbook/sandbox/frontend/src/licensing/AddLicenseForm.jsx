/* The inline Add License form (scr-LicensingAddAuto-E90): License Type and Web Server lists,
 * Account Email* and Invoice Number*, each with its tooltip, and the three buttons. The fields
 * are given no inputId, as many DNN panels do: their <label>s are bound to nothing. */
import React from "react";
import PropTypes from "prop-types";
import { Button, DropdownWithError, SingleLineInputWithError } from "@dnnsoftware/dnn-react-common";

export default function AddLicenseForm(props) {
  const { text, form, errors } = props;
  const types = props.licenseTypes.map((type) => ({ label: text("LicenseType." + type), value: type }));
  return (
    <div className="add-license-box">
      <div className="add-license-fields">
        <div className="add-license-column">
          <DropdownWithError
            label={text("LicenseType")}
            tooltipMessage={text("LicenseType.Help")}
            options={types}
            value={form.type}
            onSelect={(option) => props.onChange({ type: option.value })}
            withBorder={true}
          />
          <SingleLineInputWithError
            label={text("AccountEmail")}
            tooltipMessage={text("AccountEmail.Help")}
            value={form.email}
            error={!!errors.email}
            errorMessage={errors.email}
            onChange={(event) => props.onChange({ email: event.target.value })}
            autoComplete="off"
          />
        </div>
        <div className="add-license-column">
          <DropdownWithError
            label={text("WebServer")}
            tooltipMessage={text("WebServer.Help")}
            options={[{ label: props.serverName, value: props.serverName }]}
            value={props.serverName}
            onSelect={() => {}}
            withBorder={true}
          />
          <SingleLineInputWithError
            label={text("InvoiceNumber")}
            tooltipMessage={text("InvoiceNumber.Help")}
            value={form.invoice}
            error={!!errors.invoice}
            errorMessage={errors.invoice}
            onChange={(event) => props.onChange({ invoice: event.target.value })}
            autoComplete="off"
          />
        </div>
      </div>
      <div className="add-license-buttons">
        <Button type="secondary" disabled={props.busy} onClick={props.onCancel}>
          {text("Cancel")}
        </Button>
        <Button type="secondary" disabled={props.busy} onClick={props.onManual}>
          {text("ManualActivation")}
        </Button>
        <Button type="primary" disabled={props.busy} onClick={props.onAutomatic}>
          {text("AutomaticActivation")}
        </Button>
      </div>
    </div>
  );
}

AddLicenseForm.propTypes = {
  text: PropTypes.func.isRequired,
  form: PropTypes.object.isRequired,
  errors: PropTypes.object.isRequired,
  serverName: PropTypes.string.isRequired,
  licenseTypes: PropTypes.array.isRequired,
  busy: PropTypes.bool,
  onChange: PropTypes.func.isRequired,
  onCancel: PropTypes.func.isRequired,
  onManual: PropTypes.func.isRequired,
  onAutomatic: PropTypes.func.isRequired,
};
