/* The Manual Activation page (scr-LicensingManual-E90): < BACK TO LICENSING, then four steps:
 * the Server ID to copy, the link to the vendor's request page, the Activation Key to paste, and
 * Cancel / Submit Activation Key. */
import React from "react";
import PropTypes from "prop-types";
import {
  BackToLink,
  Button,
  MultiLineInputWithError,
  PersonaBarPage,
  PersonaBarPageHeader,
} from "@dnnsoftware/dnn-react-common";

function Step(props) {
  return (
    <div className="manual-step">
      <div className="manual-step-name">{props.name}</div>
      <div className="manual-step-body">
        <p>{props.help}</p>
        {props.children}
      </div>
    </div>
  );
}

Step.propTypes = { name: PropTypes.string, help: PropTypes.string, children: PropTypes.node };

export default function ManualActivation(props) {
  const { text } = props;
  return (
    <PersonaBarPage isOpen={true}>
      <PersonaBarPageHeader title={text("ManualActivation.Title")} />
      <div className="dnn-persona-bar-page-body manual-activation">
        <BackToLink text={text("BackToLicensing")} onClick={props.onBack} />
        <div className="manual-box">
          <Step name={text("StepOne")} help={text("StepOne.Help")}>
            <MultiLineInputWithError className="server-id" label={text("ServerId")} value={props.serverId} enabled={false} />
          </Step>
          <Step name={text("StepTwo")} help={text("StepTwo.Help")}>
            <a className="request-key-link" href={props.requestKeyUrl} target="_blank" rel="noopener noreferrer">
              {text("RequestKey")}
            </a>
          </Step>
          <Step name={text("StepThree")} help={text("StepThree.Help")}>
            <MultiLineInputWithError
              className="activation-key"
              label={text("ActivationKey")}
              value={props.activationKey}
              error={!!props.keyError}
              errorMessage={props.keyError}
              onChange={(event) => props.onKeyChange(event.target.value)}
            />
          </Step>
          <Step name={text("StepFour")} help={text("StepFour.Help")}>
            <div className="manual-buttons">
              <Button type="secondary" disabled={props.busy} onClick={props.onCancel}>
                {text("Cancel")}
              </Button>
              <Button type="primary" disabled={props.busy} onClick={props.onSubmit}>
                {text("SubmitActivationKey")}
              </Button>
            </div>
          </Step>
        </div>
      </div>
    </PersonaBarPage>
  );
}

ManualActivation.propTypes = {
  text: PropTypes.func.isRequired,
  serverId: PropTypes.string.isRequired,
  requestKeyUrl: PropTypes.string.isRequired,
  activationKey: PropTypes.string.isRequired,
  keyError: PropTypes.string,
  busy: PropTypes.bool,
  onKeyChange: PropTypes.func.isRequired,
  onBack: PropTypes.func.isRequired,
  onCancel: PropTypes.func.isRequired,
  onSubmit: PropTypes.func.isRequired,
};
